"""A village's hotlines are worked out once and read the same on its page, its poster and the API."""
from demo_ids import VILLAGE
from sqlalchemy import select

from portal.extensions import db
from portal.places.models import Village
from portal.places.service import NATIONAL_HOTLINE, get_village_summary, village_hotlines


def _village():
    return db.session.scalar(select(Village).where(Village.code == VILLAGE))


def test_page_poster_and_api_show_the_same_hotlines(ctx, client):
    numbers = [h.number for h in village_hotlines(_village())]
    assert numbers[-1] == NATIONAL_HOTLINE and len(numbers) == len(set(numbers)) >= 3
    assert [h.number for h in village_hotlines(get_village_summary(VILLAGE))] == numbers
    page = client.get(f"/villages/{VILLAGE}").get_data(as_text=True)
    poster = client.get(f"/villages/{VILLAGE}/poster").get_data(as_text=True)
    for number in numbers:
        assert f'href="tel:{number}"' in page and number in poster
    assert client.get(f"/api/v1/villages/{VILLAGE}").get_json()["hotlines"] == numbers


def test_a_number_shared_by_two_places_is_listed_once(ctx, client):
    village = _village()
    village.supervision_phone = village.township.hotline
    db.session.commit()
    numbers = [h.number for h in village_hotlines(village)]
    assert numbers.count(village.township.hotline) == 1
    assert client.get(f"/api/v1/villages/{VILLAGE}").get_json()["hotlines"] == numbers
