"""Attachments: judged by content, cleaned of location data, served safely under their Chinese names."""
import io
from urllib.parse import quote

import pytest
from demo_ids import VILLAGE
from flask_babel import force_locale
from PIL import ExifTags, Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from disclosures.support import disclosure_id_of, new_disclosure, publish, upload
from portal.core.errors import PortalError
from portal.core.storage import normalise_name, open_upload, sniff, store_upload
from portal.disclosures.models import Attachment, Disclosure
from portal.extensions import db

META = {"domain": "village", "topic": "project", "title": "村道硬化工程验收照片"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def png(size=(30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A 40×20 photo whose EXIF says: rotate 90°, taken at a GPS position, by a named camera."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (30.0, 15.0, 7.5), 3: "E", 4: (121.0, 30.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "JPEG", exif=exif, comment=b"home address")
    return out.getvalue()


def pdf(body: bytes = b"") -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R " + body + b" >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def _store(data: bytes, name: str):
    return store_upload(FileStorage(io.BytesIO(data), filename=name, name="files"))


def test_type_is_judged_by_content(app):
    assert sniff(png()) == "image/png" and sniff(jpeg_with_gps()) == "image/jpeg" and sniff(pdf()) == "application/pdf"
    assert sniff(b"<html><script>") is None


def test_png_renamed_pdf_is_refused(ctx, app):
    with pytest.raises(PortalError) as refused:
        _store(png(), "发票.pdf")
    with force_locale("en"):
        assert refused.value.field == "files" and "really a PNG" in str(refused.value.message)


@pytest.mark.parametrize("data, name", [(b"<html><script>alert(1)</script>", "通知.pdf"),
                                        (b"MZ\x90\x00" + b"\x00" * 60, "setup.png"),
                                        (b"GIF89a" + b"\x00" * 20, "a.gif"), (b"", "空.pdf")])
def test_other_files_are_refused(ctx, app, data, name):
    with pytest.raises(PortalError):
        _store(data, name)


@pytest.mark.parametrize("body", [b"/OpenAction 3 0 R", b"/Names << /JavaScript 4 0 R >>", b"/AA << >>",
                                  b"/J#61vaScript (app.alert(1))", b"/Launch << /F (cmd.exe) >>"])
def test_pdfs_lose_scripts_and_automatic_actions(ctx, app, body):
    stored = _store(pdf(body), "材料.pdf")
    with open_upload(stored.stored_name) as fh:
        data = fh.read()
    for name in (b"/OpenAction", b"/JavaScript", b"/AA", b"/Launch", b"/J#61vaScript"):
        assert name not in data


def test_decompression_bombs_are_refused(ctx, app):
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels in a few kilobytes
    with pytest.raises(PortalError) as refused:
        _store(out.getvalue(), "bomb.png")
    with force_locale("en"):
        assert "16 megapixels" in str(refused.value.message)


def test_oversized_files_are_refused(app):
    with pytest.raises(PortalError):
        store_upload(FileStorage(io.BytesIO(pdf(b"x" * 5000)), filename="大.pdf", name="files"), max_bytes=1000)


def test_jpeg_loses_gps_and_camera_data_but_keeps_its_orientation(ctx, app):
    stored = _store(jpeg_with_gps(), "现场照片.jpg")
    with open_upload(stored.stored_name) as fh:
        data = fh.read()
    image = Image.open(io.BytesIO(data))
    assert image.size == (20, 40)  # turned upright, as the phone showed it
    exif = image.getexif()
    assert ExifTags.IFD.GPSInfo not in exif and not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert b"SecretPhoneMaker" not in data and b"home address" not in data
    assert stored.mime_type == "image/jpeg" and stored.size == len(data) and stored.original_name == "现场照片.jpg"


def test_original_names_are_normalised_but_keep_chinese():
    assert normalise_name("举报材料.pdf") == "举报材料.pdf"
    assert normalise_name("C:\\Users\\张三\\桌面\\收据 01.jpg") == "收据 01.jpg"
    assert normalise_name("../../etc/passwd") == "passwd"
    assert normalise_name("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert normalise_name("a\x00b\r\nc.pdf") == "abc.pdf"
    assert normalise_name("", "application/pdf") == "file.pdf"
    assert len(normalise_name("长" * 400 + ".pdf")) <= 255 and normalise_name("长" * 400 + ".pdf").endswith(".pdf")


def test_attachments_are_published_with_their_chinese_names_and_served_safely(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "attachment", {
        "description": "工程验收材料", "files": [upload(pdf(), "举报材料.pdf"), upload(jpeg_with_gps(), "现场.jpg")]},
        meta=META))
    draft = db.session.get(Disclosure, disclosure_id).draft_content
    assert [f["name"] for f in draft["files"]] == ["举报材料.pdf", "现场.jpg"]
    stored = {a.original_name: a for a in db.session.scalars(
        select(Attachment).where(Attachment.disclosure_id == disclosure_id))}
    pdf_url, jpg_url = f"/files/{stored['举报材料.pdf'].stored_name}", f"/files/{stored['现场.jpg'].stored_name}"
    assert client.get(pdf_url).status_code == 200  # the cadre previews the draft's files
    anonymous = client.application.test_client()
    assert anonymous.get(pdf_url).status_code == 404  # not published yet
    publish(forms, disclosure_id)
    public = _text(anonymous.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "举报材料.pdf" in public and pdf_url in public
    response = anonymous.get(pdf_url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('举报材料.pdf')}" in disposition
    image = anonymous.get(jpg_url)
    assert image.headers["Content-Disposition"].startswith("inline;") and image.mimetype == "image/jpeg"
    assert b"SecretPhoneMaker" not in image.get_data()


def test_draft_files_are_hidden_from_other_villages_but_not_from_their_township(ctx, client, forms, cadre, login_as):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "attachment", {"files": [upload(png(), "图.png")]},
                                                    meta=META))
    url = "/files/" + db.session.scalar(select(Attachment.stored_name).where(Attachment.disclosure_id == disclosure_id))
    other = client.application.test_client()
    login_as("cadre_xikou", other)
    assert other.get(url).status_code == 404
    handler = client.application.test_client()
    login_as("handler_baishi", handler)
    assert handler.get(url).status_code == 200
    assert client.application.test_client().get("/files/../../secret_key").status_code == 404


def test_refused_upload_stores_nothing_and_says_why_beside_the_field(ctx, client, forms, cadre, app):
    count = db.session.scalar(select(func.count()).select_from(Attachment))
    response = new_disclosure(forms, "attachment", {"files": [upload(png(), "ok.png"), upload(png(), "假.pdf")]},
                              meta=META)
    assert response.status_code == 400
    page = _text(response)
    assert 'id="files-error"' in page and "假.pdf" in page and "really a PNG" in page
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == count
    import os
    assert not os.listdir(app.config["UPLOAD_DIR"])  # the accepted first file was removed again


def test_files_can_be_removed_from_a_draft(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "attachment", {
        "files": [upload(png(), "一.png"), upload(png(), "二.png")]}, meta=META))
    first, second = db.session.get(Disclosure, disclosure_id).draft_content["files"]
    response = forms.post(f"/publish/disclosures/{disclosure_id}/edit", {**META, "keep": [str(second["id"])]},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert [f["id"] for f in db.session.get(Disclosure, disclosure_id).draft_content["files"]] == [second["id"]]
    assert db.session.get(Attachment, first["id"]) is None
