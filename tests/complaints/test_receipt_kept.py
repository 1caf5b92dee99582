"""The receipt after filing: kept on the server for the visit, never in a URL or the cookie; picture and print."""
import io
import re

from PIL import Image

from tests.complaints.conftest import case_data
from tests.demo_ids import VILLAGE

NEW = "/complaints/new"


def _file(client, forms) -> str:
    response = forms.post(NEW, case_data(), form_url=f"{NEW}?village={VILLAGE}")
    assert response.status_code == 303
    assert "receipt" not in (response.headers["Location"].split("?", 1) + [""])[1]
    page = client.get("/complaints/receipt").get_data(as_text=True)
    return re.search(r'id="receipt-code"[^>]*>([\d ]+)<', page).group(1)


def test_receipt_survives_reloads_until_the_resident_says_it_is_saved(client, forms):
    shown = _file(client, forms)
    for _ in range(3):
        assert shown in client.get("/complaints/receipt").get_data(as_text=True)
    response = forms.post("/complaints/receipt/saved", {}, form_url="/complaints/receipt")
    assert response.status_code == 303
    assert shown not in client.get("/complaints/receipt").get_data(as_text=True)
    assert client.get("/complaints/receipt/card.png").status_code == 404


def test_the_cookie_carries_no_receipt_not_even_encrypted(app, client, forms):
    shown = _file(client, forms)
    cookie = client.get_cookie("session")
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(data) >= {"receipt_hold"} and len(data["receipt_hold"]) == 43
    assert shown.replace(" ", "") not in str(data) and not any(len(str(v)) > 100 for v in data.values())


def test_receipt_page_says_by_when_the_report_is_decided_and_is_never_cached(client, forms):
    _file(client, forms)
    client.set_cookie("lang", "en")
    response = client.get("/complaints/receipt")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "whether to accept your report" in page and re.search(r"by <span class=\"nowrap\">\w+ \d+, \d{4}", page)
    assert 'src="/static/js/copy.js"' in page and "data-copy=" in page and "<script>" not in page


def test_save_as_picture_gives_a_png_card(client, forms):
    _file(client, forms)
    response = client.get("/complaints/receipt/card.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    image = Image.open(io.BytesIO(response.data))
    assert image.width == 720 and image.height > 300 and not image.info.get("exif")


def test_print_view_shows_the_receipt_without_the_buttons(client, forms):
    shown = _file(client, forms)
    client.set_cookie("lang", "en")
    page = client.get("/complaints/receipt?view=print").get_data(as_text=True)
    assert shown in page and "card.png" not in page and "Print command" in page


def test_picture_without_a_chinese_font_falls_back_to_english(app, client, forms, monkeypatch):
    from portal.complaints import receipt_views

    _file(client, forms)
    seen = {}
    monkeypatch.setattr(receipt_views, "find_cjk_font", lambda configured=None: None)
    monkeypatch.setattr(receipt_views, "render", lambda lines, font: seen.update(lines=lines, font=font) or b"png")
    client.set_cookie("lang", "zh_Hans_CN")
    assert client.get("/complaints/receipt/card.png").status_code == 200
    assert seen["font"] is None and seen["lines"][1] == ("label", "Case number")
