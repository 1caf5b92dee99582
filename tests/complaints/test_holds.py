"""A half-done complaint lives in the database (every app server sees it) and is swept by the job runner."""
import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from portal.complaints import holds
from portal.complaints.models import VisitHold
from portal.core.db import utcnow
from portal.extensions import db
from portal.jobs.runner import run_once
from tests.complaints.conftest import DESCRIPTION, jpeg_bytes
from tests.demo_ids import VILLAGE

STEP = "/complaints/new/"


def _draft_with_photo(client, forms) -> str:
    client.get(f"/complaints/new?village={VILLAGE}")
    response = forms.post(STEP + "what", {"description": DESCRIPTION, "files": (io.BytesIO(jpeg_bytes()), "现场.jpg")},
                          form_url=STEP + "what", content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(STEP + "what").get_data(as_text=True)
    return re.search(r'name="remove" value="([0-9a-f]{32}\.jpg)"', page).group(1)


def test_the_draft_is_one_encrypted_row_naming_its_photo_and_no_file_beside_the_uploads(ctx, app, client, forms):
    stored = _draft_with_photo(client, forms)
    rows = db.session.scalars(select(VisitHold)).all()
    assert len(rows) == 1
    assert rows[0].files == stored
    assert DESCRIPTION not in rows[0].payload and "现场" not in rows[0].payload  # encrypted at rest
    assert timedelta(hours=1, minutes=59) < rows[0].expires_at - utcnow() <= timedelta(hours=2)
    uploads = Path(app.config["UPLOAD_DIR"])
    assert not uploads.with_name(uploads.name + "-holds").exists()


def test_a_second_app_server_carries_on_the_same_draft(app, client, forms, tmp_path):
    from portal import create_app

    _draft_with_photo(client, forms)
    other = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "UPLOAD_DIR")},
                        "TESTING": True, "WTF_CSRF_ENABLED": False})
    cookie = client.get_cookie("session") or client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    other_client = other.test_client()
    other_client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    page = other_client.get(STEP + "what").get_data(as_text=True)
    assert DESCRIPTION in page and "现场.jpg" in page


def test_the_job_runner_sweeps_a_forgotten_draft_and_its_photo(ctx, app, client, forms):
    stored = _draft_with_photo(client, forms)
    photo = Path(app.config["UPLOAD_DIR"]) / stored
    assert photo.exists()
    assert run_once(escalation=False).holds_swept == 0  # not yet expired: kept
    db.session.execute(update(VisitHold).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    # Expired but not yet swept: the resident is already told it expired.
    response = client.get(STEP + "who")
    assert response.status_code == 303 and response.headers["Location"].endswith("/complaints/new")
    summary = run_once(escalation=False)
    assert summary.holds_swept == 1 and "swept 1 expired visit holds" in summary.line()
    assert db.session.scalar(select(VisitHold.key_hash)) is None and not photo.exists()
    assert holds.sweep() == 0  # a second runner finds nothing left and no error
