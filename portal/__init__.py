"""Sunshine Village Portal (阳光村务)."""
import os

from flask import Flask

from portal import paths


def create_app(test_config: dict | None = None) -> Flask:
    """Create the portal: config → extensions → blueprints → cli → errors."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE") or str(paths.PACKAGE_DIR.parent / "instance"),
        template_folder=str(paths.TEMPLATES_DIR),
        static_folder=str(paths.STATIC_DIR),
        static_url_path="/static",
    )
    from portal.config import build_config

    app.config.update(build_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # One proxy hop (nginx) sets the client address and scheme; nobody else may.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from portal import extensions, i18n, security
    from portal.db_setup import configure_engine

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(paths.MIGRATIONS_DIR))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    with app.app_context():
        configure_engine(extensions.db.engine)

    from portal.models_registry import import_all_models

    import_all_models()
    security.init_app(app)

    from portal.blueprints import register_blueprints

    register_blueprints(app)

    from portal.cli import register_cli

    register_cli(app)

    from portal.errors import register_error_handlers

    register_error_handlers(app)
    if app.config.get("BENCH_ROUTES"):
        # The benchmark's yardstick: a bare route through the same server, hooks and headers.
        app.add_url_rule("/_bench/hello", "bench_hello", lambda: "hello")
    return app
