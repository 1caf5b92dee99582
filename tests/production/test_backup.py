"""Backup and restore round trip, on the backend under test."""
import os
import stat

import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from production.helpers import snapshot


def _runner_for(url: str, tmp_path):
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                              "UPLOAD_DIR": str(tmp_path / "uploads")})
    return application, application.test_cli_runner()


def _add_complaint_row(app) -> None:
    """Put a complaint with its event in the source, so the backup carries case data too."""
    from portal.complaints.models import Complaint, ComplaintEvent
    from portal.places.models import Village

    village = db.session.scalars(sa.select(Village).order_by(Village.id)).first()
    complaint = Complaint(case_number="339901-2026-900001", receipt_hash="b" * 64, village_id=village.id,
                          township_id=village.township_id, category="collective_assets", about="backup",
                          description="round trip 往返")
    complaint.events.append(ComplaintEvent(kind="status", to_status="received", public=True))
    db.session.add(complaint)
    db.session.commit()


def test_backup_then_restore_into_a_fresh_database_gives_identical_rows(ctx, app, runner, database_url,
                                                                       empty_database_url, tmp_path):
    _add_complaint_row(app)
    path = tmp_path / "backups" / "portal.core.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    # The file holds complaint contents: owner-only.
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    db.session.remove()
    db.engine.dispose()

    restored_app, restored_runner = _runner_for(empty_database_url, tmp_path)
    with restored_app.app_context():
        result = restored_runner.invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        assert "verified" in result.output
        verify = restored_runner.invoke(args=["verify"])
        assert verify.exit_code == 0, verify.output
        db.session.remove()
        db.engine.dispose()

    before, after = snapshot(database_url), snapshot(empty_database_url)
    assert set(before) == set(after)
    for table in before:
        assert after[table] == before[table], f"table {table} differs after restore"
    assert before["complaint"] and before["published_revision"] and before["alembic_version"]


def test_restore_refuses_to_overwrite_data_without_force(app, runner, tmp_path):
    path = tmp_path / "portal.core.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0
    assert "--force" in result.output
    forced = runner.invoke(args=["restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output


def test_restore_refuses_a_file_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = runner.invoke(args=["restore", "--force", str(bogus)])
    assert result.exit_code != 0
    assert "not a portal backup" in result.output


def test_a_failed_backup_leaves_no_partial_file(app, runner, tmp_path, monkeypatch):
    from portal.core import backup

    def broken(*_args, **_kwargs):
        raise backup.BackupError("disk full")

    monkeypatch.setattr(backup, "_fsync", broken)
    path = tmp_path / "out" / "portal.core.backup"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code != 0
    assert list((tmp_path / "out").iterdir()) == []
