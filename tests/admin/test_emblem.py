"""The county admin uploads an emblem: shown on the home page and in share cards, replaced and removed cleanly."""
import io
import re
from pathlib import Path

from PIL import Image

from portal.core.settings import get_setting
from portal.extensions import db
from portal.places import emblem as county_emblem


def _png(side: int = 200, color=(180, 20, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), color).save(out, "PNG")
    return out.getvalue()


def _upload(forms, data: bytes, name: str = "县徽.png"):
    return forms.post("/admin/emblem", {"emblem": (io.BytesIO(data), name)}, form_url="/admin/emblem",
                      content_type="multipart/form-data")


def _emblem_src(client) -> str | None:
    found = re.search(r'<p class="emblem"><img src="(/emblem/[0-9a-f]{20}\.png)"', client.get("/").get_data(as_text=True))
    return found.group(1) if found else None


def test_no_emblem_at_first_then_an_upload_shows_on_home_and_in_the_share_card(app, client, forms, login_as):
    assert _emblem_src(client) is None
    login_as("county_admin")
    page = client.get("/admin/emblem").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="emblem"' in page
    response = _upload(forms, _png())
    assert response.status_code == 302
    src = _emblem_src(client)
    assert src is not None
    assert 'property="og:image" content="http' in client.get("/").get_data(as_text=True)
    assert src in re.search(r'property="og:image" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    picture = client.get(src)
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert "immutable" in picture.headers["Cache-Control"] and picture.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(src, headers={"If-None-Match": picture.headers["ETag"]}).status_code == 304
    assert client.get("/emblem/" + "0" * 20 + ".png").status_code == 404


def test_replacing_removes_the_old_file_and_removing_hides_it(ctx, app, client, forms, login_as):
    login_as("county_admin")
    _upload(forms, _png(color=(1, 2, 3)))
    first = county_emblem.current()
    first_file = Path(app.config["UPLOAD_DIR"]) / first.stored_name
    assert first_file.exists()
    _upload(forms, _png(color=(200, 200, 0)))
    second = county_emblem.current()
    assert second.sha256 != first.sha256 and not first_file.exists()
    assert client.get(f"/emblem/{first.public_name}").status_code == 404
    forms.post("/admin/emblem/remove", {}, form_url="/admin/emblem")
    db.session.expire_all()
    assert county_emblem.current() is None and get_setting(county_emblem.SETTING) is None
    assert not (Path(app.config["UPLOAD_DIR"]) / second.stored_name).exists()
    assert _emblem_src(client) is None


def test_bad_pictures_are_refused_beside_the_field_and_change_nothing(ctx, app, client, forms, login_as):
    login_as("county_admin")
    _upload(forms, _png())
    before = county_emblem.current()
    files_before = sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir())
    for data, name in ((b"%PDF-1.4 not a picture", "县徽.pdf"), (_png(side=2400), "大.png"),
                       (b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 10), "huge.png"), (b"", "empty.png")):
        response = _upload(forms, data, name)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, (name, response.status_code)
        assert 'id="emblem-error"' in body and "error-summary" in body, name
    db.session.expire_all()
    assert county_emblem.current() == before
    assert sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir()) == files_before


def test_only_the_county_admin_may_change_the_emblem(client, forms, login_as):
    login_as("handler_baishi")
    assert client.get("/admin/emblem").status_code in (403, 404)
