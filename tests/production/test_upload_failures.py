"""Upload storage full or unwritable: a clear message, nothing half-stored, no file left behind."""
import errno
import io
import os
import subprocess

import pytest

from portal.complaints.models import ComplaintAttachment
from portal.core import storage as uploads
from portal.extensions import db
from tests.complaints.conftest import case_data, complaint_count, jpeg_bytes, pdf_bytes

NEW = "/complaints/new"
MESSAGE = "could not be saved on the server"
MESSAGE_ZH = "服务器暂时无法保存"


def _post_two_files(forms):
    data = case_data(files=[(io.BytesIO(jpeg_bytes()), "现场照片.jpg"), (io.BytesIO(pdf_bytes()), "名单.pdf")])
    return forms.post(NEW, data, form_url=NEW, content_type="multipart/form-data")


def _leftovers(folder) -> list[str]:
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _assert_refused_cleanly(response, before, folder):
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:500]
    assert MESSAGE in page or MESSAGE_ZH in page
    assert complaint_count() == before
    assert db.session.query(ComplaintAttachment).count() == _attachments_before
    assert _leftovers(folder) == [], "a file or .part file was left behind"


_attachments_before = 0


@pytest.fixture(autouse=True)
def _count_attachments(app):
    global _attachments_before
    with app.app_context():
        _attachments_before = db.session.query(ComplaintAttachment).count()


def test_disk_full_at_the_second_file_keeps_nothing(ctx, app, forms, monkeypatch):
    """ENOSPC while the second file is flushed: the first file and the .part file are removed."""
    folder = app.config["UPLOAD_DIR"]
    real_fsync, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(uploads.os, "fsync", fsync)
    before = complaint_count()
    _assert_refused_cleanly(_post_two_files(forms), before, folder)
    assert len(calls) == 2


def test_an_unwritable_upload_folder_gets_a_clear_message(ctx, app, forms, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["UPLOAD_DIR"] = str(blocker / "uploads")  # mkdir fails: a file is in the way
    before = complaint_count()
    _assert_refused_cleanly(_post_two_files(forms), before, str(blocker / "uploads"))
    assert client_ok(app)


def client_ok(app) -> bool:
    # The site keeps answering after the refusal.
    return app.test_client().get(NEW).status_code < 500


def test_a_really_full_filesystem(ctx, app, forms, tmp_path):
    """A 64 KB tmpfs filled up: the real ENOSPC path (needs permission to mount; root on CI)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        # CI runs as root, so there the real ENOSPC path must run; elsewhere it may not.
        if os.environ.get("CI"):
            pytest.fail("cannot mount a small tmpfs under CI", pytrace=False)
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        with open(mount / "filler", "wb") as fh:
            try:
                fh.write(b"\0" * (64 * 1024))
            except OSError:
                pass
        app.config["UPLOAD_DIR"] = str(mount / "uploads")
        os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
        before = complaint_count()
        _assert_refused_cleanly(_post_two_files(forms), before, app.config["UPLOAD_DIR"])
    finally:
        subprocess.run(["umount", str(mount)], check=False)
