"""Pages ordered by what residents ask: the village page, the disclosure archive, the power list, the home page."""
import re

from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village
from tests.demo_ids import TOWNSHIP, VILLAGE


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_village_page_follows_what_residents_ask(ctx, client):
    client.set_cookie("lang", "en")
    body = _text(client.get(f"/villages/{VILLAGE}"))
    order = [body.index(f"/complaints/new?village={VILLAGE}"), body.index('id="money"'),
             body.index('id="disclosures"'), body.index(f'href="/villages/{VILLAGE}/powers"'),
             body.index('id="reports"'), body.index('href="/ballot"'), body.index(f"/townships/{TOWNSHIP}/top-ten")]
    assert order == sorted(order)
    money = body[body.index('id="money"'):body.index('id="disclosures"')]
    # opening and closing of the latest statement, whatever month the demo's latest statement is
    from portal.core.timezone import local_today
    from portal.oversight.page_facts import compute
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    facts = compute(village.id, local_today())
    assert facts.statement is not None and facts.statement.title in money
    assert len(facts.figures) >= 2 and all(amount in money for _, amount in facts.figures)
    assert body.count('href="/villages/339901101202/powers/') == 0  # no item cards before the money


def test_village_page_shows_a_short_fingerprint_and_feeds_in_the_footer(ctx, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    body = _text(client.get(f"/villages/{VILLAGE}"))
    assert village.chain_head not in body and village.chain_head[:8] in body
    footer = body[body.index('<footer'):]
    assert "feed.atom" in footer and "/poster" in footer and "feed.atom" not in body[body.index("<main"):body.index("</main>")]


def test_the_archive_filters_by_domain_and_year_and_answers_revalidation(ctx, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    january = db.session.query(Disclosure).filter_by(village_id=village.id, status="published",
                                                     title="上塘村2025年1月财务收支明细").one()
    year = january.first_published_at.year
    body = _text(client.get(f"/villages/{VILLAGE}/disclosures?domain=finance&year={year}"))
    assert "上塘村2025年1月财务收支明细" in body and "村道硬化工程" not in body
    road = db.session.query(Disclosure).filter(Disclosure.village_id == village.id, Disclosure.status == "published",
                                               Disclosure.title.contains("村道硬化工程")).first()
    assert road is not None and road.domain != "finance"
    everything = _text(client.get(f"/villages/{VILLAGE}/disclosures",
                                  query_string={"domain": road.domain, "year": road.first_published_at.year}))
    assert "村道硬化工程" in everything
    assert "上塘村2025年1月" in _text(client.get(f"/villages/{VILLAGE}/disclosures?domain=finance&year={year}"))
    assert "上塘村2025年1月" not in _text(client.get(f"/villages/{VILLAGE}/disclosures?year={year - 5}"))
    first = client.get(f"/villages/{VILLAGE}/disclosures?domain=finance")
    again = client.get(f"/villages/{VILLAGE}/disclosures?domain=finance", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_archive_pages_and_refuses_nonsense(app, client):
    app.config["PAGE_SIZE"] = 1
    body = _text(client.get(f"/villages/{VILLAGE}/disclosures"))
    assert re.search(r"page=2", body)
    assert client.get(f"/villages/{VILLAGE}/disclosures?page=99").status_code == 404
    assert client.get(f"/villages/{VILLAGE}/disclosures?domain=nonsense").status_code == 404
    assert client.get(f"/villages/{VILLAGE}/disclosures?year=abc").status_code == 200  # ignored, as no filter


def test_the_power_list_page_answers_revalidation(client):
    first = client.get(f"/villages/{VILLAGE}/powers")
    assert first.status_code == 200 and first.headers.get("ETag")
    assert client.get(f"/villages/{VILLAGE}/powers", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_home_page_has_task_tiles_recent_changes_favicon_and_share_card(client):
    client.set_cookie("lang", "zh_Hans_CN")
    body = _text(client.get("/"))
    tiles = body[body.index('class="tiles"'):body.index("</nav>", body.index('class="tiles"'))]
    for word, href in (("找我的村", "#q"), ("我要举报", "/complaints/new"), ("查询进展", "/complaints/track"),
                       ("参加测评", "/ballot")):
        assert word in tiles and f'href="{href}"' in tiles
    assert "全县最近公开" in body
    assert 'rel="icon"' in body and 'property="og:title"' in body and 'property="og:image" content="http' in body
    assert client.get("/static/img/favicon.svg").status_code == 200


def test_recent_changes_list_every_kind_the_record_publishes_newest_first(ctx, client):
    from datetime import timedelta

    from sqlalchemy import select, update

    from portal.core.db import utcnow
    from portal.records.models import PublishedRevision

    item = db.session.scalars(select(PublishedRevision).where(PublishedRevision.subject_type == "power_item")
                              .order_by(PublishedRevision.id)).first()
    report = db.session.scalars(select(PublishedRevision).where(PublishedRevision.subject_type == "duty_report")
                                .order_by(PublishedRevision.id)).first()
    db.session.execute(update(PublishedRevision).where(PublishedRevision.id == item.id)
                       .values(published_at=utcnow() + timedelta(minutes=2)))
    db.session.execute(update(PublishedRevision).where(PublishedRevision.id == report.id)
                       .values(published_at=utcnow() + timedelta(minutes=1)))
    db.session.commit()
    code = item.village.code
    client.set_cookie("lang", "zh_Hans_CN")
    body = _text(client.get("/"))
    recent = body[body.index("全县最近公开"):body.index("按乡镇浏览")]
    power = f'href="/villages/{code}/powers/{item.subject_id}?revision={item.number}"'
    duty = f'href="/villages/{report.village.code}/reports/{report.subject_id}"'
    assert power in recent and duty in recent and recent.index(power) < recent.index(duty)
    assert "权力事项" in recent and "述责述廉报告" in recent
