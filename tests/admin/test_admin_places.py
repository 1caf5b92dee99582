"""Townships and villages: create, rename (pinyin follows), phones; codes checked; nothing deleted."""
import pytest
from demo_ids import TOWNSHIP, VILLAGE

from admin.conftest import audit_actions, field_error, text
from portal.extensions import db
from portal.places.models import Township, Village


def _village(code: str) -> Village | None:
    db.session.expire_all()
    return db.session.query(Village).filter_by(code=code).one_or_none()


def _township(code: str) -> Township | None:
    db.session.expire_all()
    return db.session.query(Township).filter_by(code=code).one_or_none()


def test_place_list_shows_townships_with_village_counts(admin, client):
    html = text(client.get("/admin/places"))
    assert "白石镇" in html and "东山乡" in html and "3" in html


def test_create_township_then_village(ctx, admin, client, forms):
    response = forms.post("/admin/townships/new", {"code": "339901202", "name": "南湖乡", "hotline": "0000-1230202",
                                                   "discipline_secretary": "吕芳", "liaison_cadre": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/townships/339901202"
    assert _township("339901202").name == "南湖乡"
    response = forms.post("/admin/townships/339901202/villages/new",
                          {"code": "339901202201", "name": "南湖村", "supervision_phone": "0000-1220201"})
    assert response.status_code == 302
    village = _village("339901202201")
    assert village.township.code == "339901202"
    assert (village.name_pinyin, village.name_initials) == ("nanhucun", "nhc")
    assert "南湖村" in text(client.get("/", query_string={"q": "nhc"}))
    assert {"township_create", "village_create"} <= set(audit_actions())


@pytest.mark.parametrize("data,field", [
    ({"code": "33990120"}, "code"),  # 8 digits
    ({"code": "3399012021"}, "code"),  # 10 digits
    ({"code": "33990120x"}, "code"),
    ({"code": "339902202"}, "code"),  # another county
    ({"code": TOWNSHIP}, "code"),  # exists
    ({"name": ""}, "name"),
    ({"name": "乡" * 65}, "name"),
    ({"hotline": "call <me>"}, "hotline"),
])
def test_bad_township_input_changes_nothing(ctx, admin, forms, data, field):
    before = db.session.query(Township).count()
    payload = {"code": "339901202", "name": "南湖乡", "hotline": "", "discipline_secretary": "", "liaison_cadre": "",
               **data}
    html = text(forms.post("/admin/townships/new", payload))
    assert field_error(html, field)
    assert db.session.query(Township).count() == before


@pytest.mark.parametrize("data,field", [
    ({"code": "33990110120"}, "code"),  # 11 digits
    ({"code": "339901102299"}, "code"),  # prefix of another township
    ({"code": VILLAGE}, "code"),  # exists
    ({"code": "３３９９０１１０１２９９"}, "code"),  # full-width digits
    ({"name": "   "}, "name"),
    ({"supervision_phone": "javascript:alert(1)"}, "supervision_phone"),
])
def test_bad_village_input_changes_nothing(ctx, admin, forms, data, field):
    before = db.session.query(Village).count()
    payload = {"code": "339901101299", "name": "新村", "supervision_phone": "", **data}
    html = text(forms.post(f"/admin/townships/{TOWNSHIP}/villages/new", payload))
    assert field_error(html, field)
    assert db.session.query(Village).count() == before


def test_rename_recomputes_pinyin_and_changes_the_public_page(ctx, admin, client, forms):
    old = _village(VILLAGE)
    version, etag = old.content_version, client.get(f"/villages/{VILLAGE}").headers.get("ETag")
    response = forms.post(f"/admin/villages/{VILLAGE}", {"name": "上塘新村", "supervision_phone": "0000-1200001"})
    assert response.status_code == 302
    village = _village(VILLAGE)
    assert (village.name, village.name_pinyin, village.name_initials) == ("上塘新村", "shangtangxincun", "stxc")
    assert village.supervision_phone == "0000-1200001" and village.content_version == version + 1
    assert "上塘新村" in text(client.get("/", query_string={"q": "stxc"}))
    page = client.get(f"/villages/{VILLAGE}")
    assert "上塘新村" in text(page) and page.headers.get("ETag") != etag
    assert "village_update" in audit_actions()


def test_bad_rename_changes_nothing(ctx, admin, forms):
    html = text(forms.post(f"/admin/villages/{VILLAGE}", {"name": "", "supervision_phone": "0000-1"}))
    assert field_error(html, "name")
    village = _village(VILLAGE)
    assert village.name == "上塘村" and village.name_initials == "stc"


def test_township_hotline_edit_reaches_its_villages(ctx, admin, client, forms):
    before = _village(VILLAGE).content_version
    response = forms.post(f"/admin/townships/{TOWNSHIP}", {"name": "白石镇", "hotline": "0000-7654321",
                                                           "discipline_secretary": "赵敏", "liaison_cadre": "孙浩"})
    assert response.status_code == 302
    assert _township(TOWNSHIP).hotline == "0000-7654321"
    assert _village(VILLAGE).content_version == before + 1
    assert "township_update" in audit_actions()


def test_bad_township_edit_changes_nothing(ctx, admin, forms):
    html = text(forms.post(f"/admin/townships/{TOWNSHIP}", {"name": "白石镇", "hotline": "<b>",
                                                            "discipline_secretary": "", "liaison_cadre": ""}))
    assert field_error(html, "hotline")
    township = _township(TOWNSHIP)
    assert township.hotline == "0000-1230101" and township.discipline_secretary == "赵敏"


def test_unknown_places_are_404(admin, client):
    assert client.get("/admin/villages/339901101999").status_code == 404
    assert client.get("/admin/townships/339901999").status_code == 404
    assert client.get("/admin/townships/339901999/villages/new").status_code == 404
