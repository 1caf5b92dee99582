"""Every public GET, found by walking the url_map, answers a repeated request (If-None-Match) with 304."""
import hashlib
import io
import re
import secrets
from datetime import timedelta

import pytest
from demo_ids import OTHER_TOWNSHIP, TOWNSHIP, VILLAGE
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.core.security import PRIVATE_PREFIXES, STAFF_PREFIXES
from portal.core.storage import StoredFile, upload_dir
from portal.core.timezone import local_today
from portal.disclosures import drafting
from portal.disclosures.models import Disclosure
from portal.duty import drafting as duty_drafting
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.places import emblem as county_emblem
from portal.places.models import Township, Village
from portal.polls import service as polls
from portal.powers import record
from portal.powers.models import PowerItem
from portal.records import checkpoints

# GETs that are not pages to revalidate, each with the reason; the walk checks the reason still holds.
REDIRECTS = {"home.language_set", "home.display_set"}  # set a cookie and send the visitor back
NO_STORE = {"health.healthz", "health.readyz", "polls.vote"}  # probes, and a page that takes a ballot code


def _public_get_rules(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.rule.startswith(STAFF_PREFIXES):
            yield rule


def _correct_one_of_each(village: Village) -> dict:
    """Publish a second revision of a disclosure, a power item and a duty report; add a published file."""
    cadre = db.session.scalar(select(User).where(User.village_id == village.id))
    text = db.session.scalar(select(Disclosure).where(Disclosure.village_id == village.id,
                                                      Disclosure.kind == "text", Disclosure.status == "published"))
    drafting.save_draft(text, cadre, drafting.meta_of(text), drafting.text_content("更正后的通知全文"), "错别字")
    drafting.publish_draft(text, cadre)
    item = db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id).order_by(PowerItem.id))
    item.note = "办理地点改为村便民服务中心"
    record.publish(item, "地点变更", cadre.id)
    report = db.session.scalar(select(DutyReport).where(DutyReport.village_id == village.id,
                                                        DutyReport.status == "published"))
    sections = dict(duty_drafting.editable(report)["sections"])
    sections[next(iter(sections))] += "（补充）"
    duty_drafting.save_draft(report, cadre, report.title, sections, "补充说明")
    duty_drafting.publish_draft(report, cadre)
    data = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(32)
    stored = StoredFile(secrets.token_hex(16) + ".png", "公示照片.png", "image/png", len(data),
                        hashlib.sha256(data).hexdigest())
    (upload_dir() / stored.stored_name).write_bytes(data)
    photos = drafting.create_draft(village, cadre, "attachment", {"domain": "village", "topic": "other",
                                                                  "title": "公示栏照片"},
                                   drafting.attachment_content("公示栏照片", []))
    drafting.add_files(photos, [stored])
    drafting.publish_draft(photos, cadre)
    checkpoint = checkpoints.create()
    emblem_png = io.BytesIO()
    Image.new("RGB", (64, 64), (164, 22, 26)).save(emblem_png, "PNG")
    emblem_png.seek(0)
    emblem = county_emblem.replace(FileStorage(stream=emblem_png, filename="县徽.png", name="emblem"))
    other_township = db.session.scalar(select(Township).where(Township.code == OTHER_TOWNSHIP))
    today = local_today()
    for place, start in ((village.township, today), (other_township, today - timedelta(days=8))):
        # Proposals open in one township, voting in the other.
        handler = db.session.scalar(select(User).where(User.role == "township_handler",
                                                       User.township_id == place.id))
        polls.create(handler, place, year=today.year + 1, title="群众最不满意的10件事", proposals_from=start,
                     proposals_until=start + timedelta(days=7), voting_from=start + timedelta(days=8),
                     voting_until=start + timedelta(days=14))
    db.session.commit()
    return {"disclosure_id": text.id, "item_id": item.id, "report_id": report.id,
            "stored_name": stored.stored_name, "checkpoint_id": checkpoint.id, "name": emblem.public_name}


def _url(rule, ids: dict) -> str:
    values = {"code": TOWNSHIP if rule.rule.startswith("/townships") else VILLAGE, "filename": "css/portal.css",
              "size": "large", **ids}
    if rule.endpoint == "feeds.disclosure_csv":
        values["disclosure_id"] = db.session.scalar(select(Disclosure.id).where(
            Disclosure.village.has(code=VILLAGE), Disclosure.kind == "table", Disclosure.status == "published"))
    if rule.endpoint == "polls.vote":
        values["code"] = OTHER_TOWNSHIP
    if rule.endpoint == "home.language_set":
        values["code"] = "en"
    query = "?q=%E4%B8%8A%E5%A1%98" if rule.endpoint.endswith("disclosure_search") else ""  # a search needs words
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), "1")), rule.rule) + query


@pytest.fixture
def public_urls(app):
    with app.app_context():
        village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
        ids = _correct_one_of_each(village)
        return {rule.endpoint: _url(rule, ids) for rule in _public_get_rules(app)}


def test_the_walk_finds_the_public_pages(app, public_urls):
    for endpoint in ("home.village_show", "duty.report_show", "powers.item_diff", "api.village_list", "static"):
        assert endpoint in public_urls, endpoint
    assert len(public_urls) >= 30


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_public_get_answers_a_repeat_with_304(app, client, auth, public_urls, signed_in):
    if signed_in:
        auth.login("cadre_shangtang")
    revalidated = []
    for endpoint, url in sorted(public_urls.items()):
        response = client.get(url)
        if endpoint in REDIRECTS:
            assert response.status_code == 302, url
            continue
        if url.startswith(PRIVATE_PREFIXES):  # complaint and ballot pages: never kept anywhere
            assert response.status_code < 500 and response.headers["Cache-Control"] == "no-store", url
            continue
        assert response.status_code == 200, (url, response.status_code)
        if endpoint in NO_STORE:
            assert response.headers["Cache-Control"] == "no-store", url
            continue
        etag = response.headers.get("ETag")
        assert etag, url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data, (url, again.status_code)
        assert again.headers["ETag"] == etag, url
        revalidated.append(endpoint)
    assert len(revalidated) >= 25


def test_every_public_get_view_carries_the_decorator(app):
    exempt = REDIRECTS | NO_STORE | {"static"}  # Flask serves static files conditionally itself
    missing = [rule.endpoint for rule in _public_get_rules(app)
               if rule.endpoint not in exempt and not rule.rule.startswith(PRIVATE_PREFIXES)
               and not getattr(app.view_functions[rule.endpoint], "conditional_get", False)]
    assert not missing


def test_a_change_is_seen_on_the_very_next_request(ctx, client):
    url = f"/villages/{VILLAGE}/powers"
    etag = client.get(url).headers["ETag"]
    item = db.session.scalar(select(PowerItem).where(PowerItem.village.has(code=VILLAGE)).order_by(PowerItem.id))
    item.note = "新的办理地点"
    record.publish(item, "地点变更", None)
    db.session.commit()
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag


def test_a_page_without_declared_validators_is_validated_by_its_body(client):
    first = client.get(f"/townships/{TOWNSHIP}")
    assert first.headers["Cache-Control"] == "public, no-cache" and "Cookie" in first.headers["Vary"]
    assert client.get(f"/townships/{TOWNSHIP}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    other = client.get(f"/townships/{TOWNSHIP}", headers={"If-None-Match": 'W/"stale"'})
    assert other.status_code == 200 and other.headers["ETag"] == first.headers["ETag"]


def test_a_declared_page_answers_if_modified_since_and_head(client):
    url = f"/villages/{VILLAGE}/powers"
    first = client.get(url)
    assert first.headers["Last-Modified"] and first.headers["ETag"].startswith('W/"')
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304 and since.headers["ETag"] == first.headers["ETag"]
    head = client.head(url, headers={"If-None-Match": first.headers["ETag"]})
    assert head.status_code == 304


def test_the_language_is_part_of_the_validator(client):
    url = f"/villages/{VILLAGE}/powers"
    chinese = client.get(url).headers["ETag"]
    client.set_cookie("lang", "en")
    assert client.get(url, headers={"If-None-Match": chinese}).status_code == 200


def test_revalidate_outside_the_decorator_fails_loudly(app):
    from portal.core.http import revalidate

    with app.test_request_context("/", headers={"If-None-Match": "*"}), pytest.raises(Exception) as raised:
        revalidate("anything")
    assert type(raised.value).__name__ == "_NotModified"
