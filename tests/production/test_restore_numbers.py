"""After a restore, no case number is issued a second time."""
from portal.complaints.intake import submit
from portal.complaints.models import Complaint
from portal.extensions import db
from tests.complaints.conftest import case_data


def _file() -> str:
    complaint, _receipt = submit(case_data(), ())
    return complaint.case_number


def test_a_restore_never_hands_out_a_case_number_again(ctx, app, runner, tmp_path):
    path = tmp_path / "portal.backup"
    before_backup = _file()
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    after_backup = [_file(), _file()]  # printed, mailed, told to complainants; then the database is restored
    db.session.remove()
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "--force" in refused.output
    result = runner.invoke(args=["restore", "--force", str(path)])
    assert result.exit_code == 0, result.output
    assert "case numbers continue" in result.output
    db.session.remove()
    numbers = {c.case_number for c in db.session.query(Complaint)}
    assert before_backup in numbers and not set(after_backup) & numbers  # the backup is older
    fresh = _file()
    assert fresh not in after_backup and fresh != before_backup
    assert int(fresh.rsplit("-", 1)[1]) == int(after_backup[-1].rsplit("-", 1)[1]) + 1
