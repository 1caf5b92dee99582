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
        from portal.core.proxies import TrustedProxyFix

        # One proxy hop (nginx) sets the client address and scheme; only from FORWARDED_ALLOW_IPS.
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["FORWARDED_ALLOW_IPS"])

    from portal import extensions
    from portal.config import rate_limit_storage_options
    from portal.core import http, i18n, request_log, security, templating
    from portal.core.db import configure_engine, engine_options

    request_log.install()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config)
    app.config["RATELIMIT_STORAGE_OPTIONS"] = rate_limit_storage_options(app.config)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(paths.MIGRATIONS_DIR))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    # 500 tracebacks and the limiter's warnings (Redis unreachable, fallback, recovered) reach the error log.
    request_log.route_app_logs(app)
    i18n.init_app(app)
    with app.app_context():
        configure_engine(extensions.db.engine)

    _import_models()
    import portal.accounts.session  # noqa: F401  (Flask-Login's user loader)

    security.init_app(app)
    http.init_app(app)
    templating.init_app(app)
    _register_blueprints(app)

    from portal.cli import register_cli

    register_cli(app)

    from portal.core.errors import register_error_handlers

    register_error_handlers(app)
    from portal.core import page_cache

    # After the blueprints: it finds the shared pages among the views and answers before every other hook.
    page_cache.init_app(app)
    if app.config.get("PORTAL_ENV") == "production" and not _inside_cli():
        from portal.core.health import check_schema_at_head

        # A node on a schema behind the code would fail on every changed table: do not start.
        check_schema_at_head(app)
    if app.config.get("BENCH_ROUTES"):
        # The benchmark's yardstick: a bare route through the same server, hooks and headers.
        app.add_url_rule("/_bench/hello", "bench_hello", lambda: "hello")
    return app


def _import_models() -> None:
    """Import every model module so the metadata (and migrations) see all tables."""
    import portal.accounts.models
    import portal.complaints.models
    import portal.core.audit
    import portal.core.mail
    import portal.core.settings
    import portal.core.sms
    import portal.disclosures.models
    import portal.disclosures.search_index
    import portal.duty.models
    import portal.oversight.models
    import portal.oversight.page_facts  # its commit hooks keep the village page's facts
    import portal.places.models
    import portal.polls.models
    import portal.powers.models
    import portal.records.models
    import portal.subsidies.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    """Import every route module and register its blueprint; a missing module fails here, at start."""
    from portal.accounts import blueprint as accounts
    from portal.accounts import two_factor_views
    from portal.accounts import views as accounts_views
    from portal.admin import accounts_views as admin_accounts
    from portal.admin import blueprint as admin
    from portal.admin import (
        import_views,
        mail_views,
        officials_views,
        places_views,
        settings_views,
        subsidy_views,
    )
    from portal.admin import views as admin_views
    from portal.api import blueprint as api
    from portal.api import complaints as api_complaints
    from portal.api import figures as api_figures
    from portal.api import openapi
    from portal.api import public as api_public
    from portal.api import subsidies as api_subsidies
    from portal.complaints import blueprint as triage
    from portal.complaints import receipt_views, step_views, triage_actions, triage_intake
    from portal.complaints import triage as triage_views
    from portal.complaints import views as complaints
    from portal.core import health
    from portal.disclosures import files, search_views
    from portal.disclosures import manage as disclosures_manage
    from portal.disclosures import views as disclosures
    from portal.duty import evaluation
    from portal.duty import manage as duty_manage
    from portal.duty import views as duty
    from portal.home import feeds, letter, poster
    from portal.home import manage as home_manage
    from portal.home import views as home
    from portal.oversight import public_views as figures
    from portal.oversight import views as oversight
    from portal.polls import views as polls
    from portal.powers import county as powers_county
    from portal.powers import manage as powers_manage
    from portal.powers import views as powers
    from portal.records import views as records
    from portal.subsidies import blueprint as subsidies
    from portal.subsidies import manage as subsidies_manage
    from portal.subsidies import relatives_views
    from portal.subsidies import views as subsidies_views

    # Modules that only add routes to a blueprint defined elsewhere in their package.
    del two_factor_views, accounts_views, admin_accounts, places_views, settings_views, admin_views
    del mail_views, officials_views, import_views, subsidy_views, subsidies_manage, relatives_views
    del api_figures, api_subsidies, subsidies_views
    del api_complaints, openapi, api_public, triage_views, triage_actions, receipt_views, step_views, triage_intake
    for blueprint in (
        health.bp, home.bp, powers.bp, disclosures.bp, duty.bp, records.bp, files.bp, feeds.bp, poster.bp,
        accounts.bp, admin.bp, home_manage.bp, powers_manage.bp, disclosures_manage.bp, duty_manage.bp,
        powers_county.bp, complaints.bp, triage.triage_bp, evaluation.bp, oversight.bp, polls.bp, api.bp, figures.bp,
        search_views.bp, letter.bp, subsidies.bp, subsidies.township_bp, subsidies.relatives_bp,
    ):
        app.register_blueprint(blueprint)


def _inside_cli() -> bool:
    """True when `flask --app portal …` builds the app (``db upgrade`` must run on an old schema)."""
    import click

    return click.get_current_context(silent=True) is not None
