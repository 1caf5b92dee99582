"""Public figures, disclosure search and the household letter in Chromium: 360 px and 1366 px, no JavaScript,
and the letter printed to PDF on exactly one A4 page for every demo village."""
import io
import re

import pytest

from browser.support import ARTIFACTS, ok, require_browser, write_metrics

require_browser()

import sqlalchemy as sa
from demo_ids import FAR_VILLAGE, TOWNSHIP

from browser.checks import TARGETS_JS, axe_scan
from browser.support import AXE_JS

pytestmark = pytest.mark.browser

PAGES = {
    "statistics": "/statistics",
    "statistics-township": f"/statistics?township={TOWNSHIP}",
    "statistics-bad-township": "/statistics?township=999999999",
    "search": "/disclosures/search?q=补贴发放",
    "search-two-characters": "/disclosures/search?q=补贴",
    "search-masked-number": "/disclosures/search?q=339901196805121234",
    "letter": f"/villages/{FAR_VILLAGE}/letter",
    "letter-bad-month": f"/villages/{FAR_VILLAGE}/letter?month=2025-13",
}
OVERFLOW_JS = """() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
  wide: [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
        .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))})"""


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_pages_fit_a_phone_without_javascript(new_context, live_server, lang):
    context = new_context(js=False)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    folder = ARTIFACTS / "screenshots" / "figures-360"
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        page.screenshot(path=str(folder / f"{name}-{lang}.png"), full_page=True)
        found = page.evaluate(OVERFLOW_JS)
        if found["scroll"] > found["inner"]:
            problems.append(f"{name}: scrolls sideways {found}")
    assert not problems, problems


def test_pages_at_desktop_width_and_accessibility(new_context, live_server):
    context = new_context(js=True, bypass_csp=True, viewport={"width": 1366, "height": 900}, is_mobile=False,
                          has_touch=False, device_scale_factor=1)
    page = context.new_page()
    folder = ARTIFACTS / "screenshots" / "figures-1366"
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in PAGES.items():
        page.goto(path)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        if AXE_JS.exists():
            problems += [f"{name}: {v}" for v in axe_scan(page)]
    phone = new_context(js=True).new_page()
    for name, path in PAGES.items():
        phone.goto(path)
        problems += [f"{name} (360 px): small target {t}" for t in phone.evaluate(TARGETS_JS)]
    assert not problems, "\n".join(problems)


def test_a_resident_searches_and_opens_the_revision(new_context):
    page = new_context(js=False).new_page()
    ok(page.goto("/disclosures/search"))
    page.fill("#s-q", "郑大山")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.locator("ol.search-hits a").first.click()
    assert "/disclosures/" in page.url and "revision=1" in page.url
    assert "郑大山" in page.inner_text("main") and "339901196805121234" not in page.content()


def test_the_letter_prints_on_one_a4_page_for_every_demo_village(browser, live_server, live_database_url):
    import pikepdf

    engine = sa.create_engine(live_database_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        codes = [c for (c,) in conn.execute(sa.text("SELECT code FROM village ORDER BY code"))]
    engine.dispose()
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    folder = ARTIFACTS / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    pages = {}
    for lang in ("zh_Hans_CN", "en"):
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        for code in codes:
            ok(page.goto(f"/villages/{code}/letter"))
            page.emulate_media(media="print")
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            page.emulate_media(media="screen")
            if code == FAR_VILLAGE:
                (folder / f"letter-{code}-{lang}.pdf").write_bytes(pdf)
                page.emulate_media(media="print")
                page.set_viewport_size({"width": 703, "height": 1032})  # A4 inside the 12 mm margins, at 96 dpi
                page.screenshot(path=str(folder / f"letter-{code}-{lang}-print.png"), full_page=True)
                page.emulate_media(media="screen")
            with pikepdf.open(io.BytesIO(pdf)) as doc:
                pages[f"{code}-{lang}"] = len(doc.pages)
                box = [float(v) for v in doc.pages[0].mediabox]
            assert abs(box[2] - 595.3) < 2 and abs(box[3] - 841.9) < 2, box  # A4 in points
    context.close()
    write_metrics("household letter pages", pages)
    assert set(pages.values()) == {1}, pages


CROWDED_VILLAGE = "339901101201"  # 白石村: a month with more of everything than one sheet can list


def _crowd_a_month(database_url: str) -> str:
    """Give 白石村 last month ten notices, three decisions, two subsidy lists and four corrections, and its
    township a published top ten with long progress notes; return the month."""
    from datetime import timedelta

    from portal import create_app
    from portal.core.db import utcnow, write_transaction
    from portal.core.timezone import add_months, local_today, month_end
    from portal.demo.letter_month import _decision, _subsidy
    from portal.demo.seed import disclosure_content
    from portal.disclosures.models import Disclosure
    from portal.extensions import db
    from portal.places.models import Village
    from portal.polls.models import GrievancePoll, PollOption, RemedyProgress
    from portal.records import service as records

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        village = db.session.scalar(sa.select(Village).where(Village.code == CROWDED_VILLAGE))
        today = local_today()
        month = add_months(today.replace(day=1), -1)
        with write_transaction():
            made = []
            specs = [({"kind": "text", "domain": "village", "topic": "village_affairs",
                       "markdown": "本月村务事项公开，请村民监督。" * 5},
                      f"{village.name}关于第{n}批农村人居环境整治项目资金使用情况的公示（含明细）")
                     for n in range(1, 11)]
            specs += [(_decision(month), f"关于{village.name}第{n}项集体经济项目的决议") for n in range(1, 4)]
            specs += [(_subsidy(month), f"{village.name}第{n}批高龄老人补贴发放名单") for n in range(1, 3)]
            for spec, title in specs:
                disclosure = Disclosure(village=village, domain=spec["domain"], kind=spec["kind"],
                                        topic=spec["topic"], title=title, period_label="本月", period_start=month,
                                        period_end=month_end(month))
                db.session.add(disclosure)
                db.session.flush()
                content = disclosure_content(spec)
                if spec["kind"] == "decision":
                    content["matter"] += "，并同步实施村内道路亮化、排水沟改造和公共厕所提升"
                records.publish(disclosure, subject_type="disclosure", content=content, title=title, reason=None,
                                user_id=None)
                made.append((disclosure, content))
            db.session.flush()
            for disclosure, content in made[:4]:
                records.publish(disclosure, subject_type="disclosure", content=content, title=disclosure.title,
                                reason="原公示金额与凭证不一致，经村务监督委员会核对后按原始凭证更正", user_id=None)
            poll = GrievancePoll(township_id=village.township_id, year=month.year - 1,
                                 title=f"{village.township.name}{month.year - 1}年群众最不满意的10件事",
                                 proposals_from=today - timedelta(days=90), proposals_until=today - timedelta(days=80),
                                 voting_from=today - timedelta(days=70), voting_until=today - timedelta(days=60),
                                 results_published_at=utcnow())
            db.session.add(poll)
            db.session.flush()
            for rank in range(1, 11):
                option = PollOption(poll_id=poll.id, title=f"第{rank}件：村道两侧路灯长期损坏无人维修，夜间出行不便",
                                    status="accepted", rank=rank, vote_count=100 - rank, lead_unit="镇建设办")
                db.session.add(option)
                db.session.flush()
                db.session.add(RemedyProgress(option_id=option.id, posted_on=today - timedelta(days=3),
                                              note="已完成现场勘查，维修方案报镇政府审批，预计下月底前完工并公示结果",
                                              solved=False))
        db.session.remove()
        db.engine.dispose()
    return month.strftime("%Y-%m")


def test_a_crowded_month_still_prints_on_one_page(browser, live_server, live_database_url):
    import pikepdf

    month = _crowd_a_month(live_database_url)
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    folder = ARTIFACTS / "letters"
    counts = {}
    for lang in ("zh_Hans_CN", "en"):
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        ok(page.goto(f"/villages/{CROWDED_VILLAGE}/letter?month={month}"))
        text = page.inner_text("main")
        assert re.search(r"另有 [67] 项|and [67] more", text), text  # twelve or thirteen notices: six shown
        assert page.locator("ol.letter-top li").count() == 10
        page.emulate_media(media="print")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        page.set_viewport_size({"width": 703, "height": 1032})  # A4 inside the 12 mm margins, at 96 dpi
        page.screenshot(path=str(folder / f"letter-crowded-{lang}-print.png"), full_page=True)
        page.emulate_media(media="screen")
        (folder / f"letter-crowded-{lang}.pdf").write_bytes(pdf)
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            counts[lang] = len(doc.pages)
    context.close()
    write_metrics("household letter pages, crowded month", counts)
    assert set(counts.values()) == {1}, counts
