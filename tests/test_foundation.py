"""The app as a newcomer meets it: config, migrations, demo data, static files, CLI."""
import stat

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import render_template

from portal import create_app, paths
from portal.extensions import db
from portal.places.models import County, Village, outside_models


def test_migrations_have_one_head(ctx, app):
    config = app.extensions["migrate"].migrate.get_config(str(paths.MIGRATIONS_DIR))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_the_migrations(ctx, app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": outside_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models changed without a migration: {diff}"


def test_secret_key_is_generated_into_instance_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] and len(first.config["SECRET_KEY"]) >= 32
    mode = (tmp_path / "secret_key").stat().st_mode
    assert not mode & (stat.S_IRGRP | stat.S_IROTH)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(ctx, app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_demo_county_is_complete(ctx, app):
    assert db.session.query(County).one().code == "339901"
    villages = db.session.query(Village).all()
    assert len(villages) == 9
    assert all(v.chain_length >= 1 for v in villages)


def test_seed_demo_refuses_to_run_twice_unless_reset(ctx, runner):
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "reset" in again.output
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    reset = runner.invoke(args=["seed-demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert db.session.query(Village).count() == 9


def test_verify_command_passes_on_demo_data(runner):
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 0 and "OK" in result.output


def test_static_stylesheet_is_served(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200 and b"font-size" in response.get_data()


def test_base_template_renders(app):
    with app.test_request_context("/"):
        assert "<main" in render_template("base.html")


def test_error_pages_never_show_a_stack_trace(app, client):
    @app.get("/boom-test")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom-test")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.sqlite3")
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
