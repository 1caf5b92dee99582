"""The county admin keeps each township's officials; complaints naming them go to the county."""
import pytest

from portal.complaints.intake import submit
from portal.extensions import db
from portal.places.models import TownshipOfficial
from tests.complaints.conftest import case_data
from tests.demo_ids import TOWNSHIP

PAGE = "/admin/officials"


def test_the_admin_lists_and_adds_an_official_who_then_routes_complaints(ctx, client, auth, forms):
    auth.login("county_admin")
    page = client.get(PAGE).get_data(as_text=True)
    assert "王振华" in page and "党委书记" in page and "白石镇" in page
    response = forms.post(PAGE, {"township": TOWNSHIP, "name": "新任 副镇长", "post": "分管民政副镇长"})
    assert response.status_code == 303
    assert db.session.query(TownshipOfficial).filter_by(name="新任 副镇长").one()
    complaint, _ = submit(case_data(description="低保名单被新任副镇长改过，村会计照办。"))
    assert complaint.handling_level == "county"


@pytest.mark.parametrize("data, field", [({"township": "", "name": "李四", "post": "镇长"}, "township"),
                                         ({"township": TOWNSHIP, "name": "", "post": "镇长"}, "name"),
                                         ({"township": TOWNSHIP, "name": "王振华", "post": "镇长"}, "name"),
                                         ({"township": TOWNSHIP, "name": "李四", "post": ""}, "post")])
def test_bad_entries_get_a_message_beside_the_field(ctx, client, auth, forms, data, field):
    auth.login("county_admin")
    before = db.session.query(TownshipOfficial).count()
    response = forms.post(PAGE, data)
    assert response.status_code == 400 and f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.query(TownshipOfficial).count() == before


def test_removing_an_official(ctx, client, auth, forms):
    auth.login("county_admin")
    official = db.session.query(TownshipOfficial).filter_by(name="王振华").one()
    forms.post(f"{PAGE}/{official.id}/remove", {}, form_url=PAGE)
    db.session.expire_all()
    assert db.session.query(TownshipOfficial).filter_by(name="王振华").first() is None


@pytest.mark.parametrize("username", ["handler_baishi", "county_handler", "cadre_shangtang"])
def test_only_the_county_admin_keeps_the_list(client, auth, username):
    auth.login(username)
    assert client.get(PAGE).status_code == 403
