"""Intake abuse is bounded: text is checked before files, huge pictures are never decoded, refused posts count."""
import io

import pytest
from PIL import Image, ImageFile
from werkzeug.datastructures import FileStorage

from portal.complaints import intake
from portal.complaints.intake import submit
from portal.core.errors import PortalError
from portal.core.storage import MAX_PIXELS, store_upload
from tests.complaints.conftest import case_data, complaint_count, jpeg_bytes

API = "/api/v1/complaints"


def big_png(width=5000, height=4000) -> bytes:
    """20 megapixels in a few kilobytes: a picture whose decoding costs far more than its upload."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_a_too_short_description_refuses_the_form_before_any_file_is_looked_at(ctx, app, monkeypatch):
    touched = []
    monkeypatch.setattr(intake, "store_upload", lambda *a, **k: touched.append(a) or pytest.fail("file read"))
    with pytest.raises(PortalError) as refused:
        submit(case_data(description="太短"), [_upload(big_png(), f"{n}.png") for n in range(5)])
    assert "description" in refused.value.errors.plain()
    assert touched == []


def test_a_picture_above_the_pixel_budget_is_refused_from_its_header_without_decoding(ctx, app, monkeypatch):
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("the picture was decoded"))
    with pytest.raises(PortalError) as refused:
        store_upload(_upload(big_png(), "现场.png"), field="files")
    assert refused.value.field == "files" and "16" in str(refused.value.message)


def test_pillow_refuses_huge_pictures_anywhere_and_a_phone_photo_fits():
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS
    assert 4000 * 3000 <= MAX_PIXELS < 5000 * 4000


def test_a_picture_within_the_budget_is_still_accepted(ctx, app):
    stored = store_upload(_upload(jpeg_bytes(), "现场.jpg"), field="files")
    assert stored.mime_type == "image/jpeg"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "COMPLAINT_INTAKE_LIMIT": "3/hour"}


def test_refused_posts_with_files_count_against_the_filing_limit(ctx, client):
    def post():
        return client.post(API, data={**case_data(description="太短"), "files": [(io.BytesIO(big_png()), "a.png")]},
                           content_type="multipart/form-data")

    assert [post().status_code for _ in range(3)] == [400] * 3
    before = complaint_count()
    assert client.post(API, json=case_data()).status_code == 429
    assert complaint_count() == before


def test_refused_posts_without_files_do_not_lock_a_resident_out(client):
    assert [client.post(API, json=case_data(description="太短")).status_code for _ in range(5)] == [400] * 5
    assert client.post(API, json=case_data()).status_code == 201
