"""End-to-end journeys on a phone, each run with JavaScript on and again with it off.

(a) a resident finds 上塘村 by pinyin, reads a power item, reports a problem with a photo, keeps the
receipt and follows the case; (b) a cadre publishes a notice and corrects it, and the public sees both
revisions and the difference; (c) a township handler takes the case from (a) through a question, an
answer, a concluding reply and the resident's rating.
"""
import re
import uuid

import pytest

from browser.handling import REPLY, ask_answer_conclude, resident_view
from browser.support import Shots, no_server_error, ok, require_browser, sign_in, submit

require_browser()

from demo_ids import VILLAGE

pytestmark = pytest.mark.browser
# Journey (a) hands its case to journey (c): js flag → {"case", "receipt", "context"}.
FILED: dict[bool, dict] = {}


def _mode(js: bool) -> str:
    return "js" if js else "nojs"


def _photo(tmp_path):
    """A small real JPEG, as a phone camera would send (with EXIF the portal must strip)."""
    from PIL import Image

    path = tmp_path / "pothole.jpg"
    image = Image.new("RGB", (320, 240), (150, 120, 90))
    for x in range(100, 220):
        for y in range(80, 160):
            image.putpixel((x, y), (60, 60, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    image.save(path, "JPEG", quality=80, exif=exif)
    return path


def _go(page, locator) -> None:
    """Follow a link like a finger would: tap it and wait for the next page."""
    with page.expect_navigation() as navigation:
        locator.first.click()
    no_server_error(navigation.value)


def publish_notice(cadre, shots, mode: str, body: str) -> tuple[str, str]:
    """A cadre writes, previews and publishes a text notice; return (disclosure id, title)."""
    ok(cadre.goto("/publish/"))
    shots(cadre, "workspace")
    _go(cadre, cadre.locator("main a[href$='/publish/disclosures/new/text']"))
    title = f"关于村道路灯维修的通知 {mode}-{uuid.uuid4().hex[:4]}"
    cadre.fill("#title", title)
    cadre.select_option("#domain", "village")
    cadre.fill("#period_month", "2025-03")  # the period, entered once
    cadre.fill("#markdown", body)
    shots(cadre, "draft-form")
    submit(cadre)
    assert "/publish/disclosures/" in cadre.url, cadre.inner_text("main")[:400]
    shots(cadre, "preview")
    submit(cadre, button="main form[action$='/publish'] button")
    disclosure_id = re.search(r"/publish/disclosures/(\d+)", cadre.url).group(1)
    shots(cadre, "published")
    return disclosure_id, title


def _resident_files_complaint(context, shots, tmp_path) -> dict:
    page = context.new_page()
    ok(page.goto("/"))
    shots(page, "home")
    page.fill("#q", "stc")
    submit(page, "main form[role=search]")
    shots(page, "search-stc")
    _go(page, page.locator(f"main a[href='/villages/{VILLAGE}']"))
    assert page.locator("h1").inner_text() == "上塘村"
    shots(page, "village")

    _go(page, page.locator(f"main a[href='/villages/{VILLAGE}/powers']"))  # the power list has its own page
    item_link = page.locator("main details[open] ul.links a").first
    title = item_link.locator("span").first.inner_text()
    _go(page, item_link)
    assert page.locator("h1").inner_text() == title
    assert page.locator("ol.flow > li").count() >= 2, "the power item shows its steps"
    shots(page, "power-item")

    _go(page, page.locator("main .report a.btn[href*='/complaints/new']"))
    assert "/complaints/new/what" in page.url, "the poster's or page's village needs no question"
    assert title in page.inner_text("main"), "the form says which power item the report is about"
    description = f"鱼塘承包没有公开招标，价格明显偏低，村民都不知道。编号{uuid.uuid4().hex[:6]}"
    page.fill("#description", "太短")
    page.set_input_files("#files", str(_photo(tmp_path)))
    submit(page)  # refused: too short, yet the photo is kept on the server
    assert "pothole.jpg" in page.inner_text("main") and page.locator("#error-description").count()
    shots(page, "complaint-what-error")
    page.fill("#description", description)
    submit(page)
    page.fill("#about", "村委会 集体鱼塘承包")
    shots(page, "complaint-who")
    submit(page)
    page.check("input[name=category][value=collective_assets]")
    shots(page, "complaint-kind")
    submit(page)
    submit(page)  # anonymous, as preselected
    assert "/complaints/new/check" in page.url and "pothole.jpg" in page.inner_text("main")
    _go(page, page.locator("main a[href='/complaints/new/who?change=1']"))
    assert page.locator("#about").input_value() == "村委会 集体鱼塘承包", "going back keeps the answer"
    submit(page)  # straight back to the check page
    shots(page, "complaint-check")
    submit(page)

    receipt = page.locator(".receipt-code").inner_text().strip()
    case = page.locator(".case-number").inner_text().strip()
    assert len(re.sub(r"\D", "", receipt)) >= 16, receipt
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", case), case  # the resident's reference, not the staff case number
    shots(page, "receipt")
    # The receipt stays for the visit, until the resident says it is saved.
    page.reload()
    assert receipt in page.inner_text("main")
    submit(page, "main form[action$='/receipt/saved']")
    page.goto("/complaints/receipt")
    assert receipt not in page.inner_text("main")

    ok(page.goto("/complaints/track"))
    page.fill("#receipt", receipt)
    submit(page)
    text = page.inner_text("main")
    assert case in text and "/complaints/track" in page.url
    shots(page, "tracking")
    return {"case": _case_number(case), "receipt": receipt, "description": description, "page": page}


def _case_number(reference: str) -> str:
    """The staff case number behind the reference the resident was shown (handlers work with case numbers)."""
    import os

    import sqlalchemy as sa

    engine = sa.create_engine(os.environ["PORTAL_BROWSER_DB"], poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        number = conn.execute(sa.text("SELECT case_number FROM complaint WHERE public_reference = :r"),
                              {"r": reference}).scalar_one()
    engine.dispose()
    return number


def test_resident_finds_village_reads_power_item_and_reports_with_photo(js, new_context, tmp_path):
    shots = Shots(f"a-resident-report-{_mode(js)}")
    filed = _resident_files_complaint(new_context(js=js), shots, tmp_path)
    FILED[js] = filed


def test_cadre_publishes_and_corrects_a_notice_and_the_public_sees_both(js, new_context):
    shots = Shots(f"b-cadre-publish-{_mode(js)}")
    cadre = new_context(js=js).new_page()
    sign_in(cadre, "cadre_shangtang")
    disclosure_id, title = publish_notice(
        cadre, shots, _mode(js), "村委会定于3月15日维修村道路灯，费用 1200 元，由村集体承担。\n\n如有疑问请联系村务监督委员会。")

    _go(cadre, cadre.locator(f"main a[href$='/publish/disclosures/{disclosure_id}/edit']"))
    cadre.fill("#reason", "费用写错，应为 1500 元")
    cadre.fill("#markdown", "村委会定于3月15日维修村道路灯，费用 1500 元，由村集体承担。\n\n如有疑问请联系村务监督委员会。")
    shots(cadre, "correction-form")
    submit(cadre)
    diff = cadre.inner_text("main")
    assert "1500" in diff and "1200" in diff, "the cadre sees what the correction changes"
    shots(cadre, "correction-preview")
    submit(cadre, button="main form[action$='/publish'] button")
    shots(cadre, "corrected")

    public = new_context(js=js).new_page()
    ok(public.goto(f"/villages/{VILLAGE}"))
    link = public.locator(f"main a[href$='/disclosures/{disclosure_id}']")
    assert link.count() == 1, "the village page lists the new notice"
    _go(public, link)
    body = public.inner_text("main")
    assert title in body and "1500" in body and "费用写错，应为 1500 元" in body
    shots(public, "public-current")
    history = public.locator(f"main a[href*='/disclosures/{disclosure_id}?revision=']")
    assert history.count() == 2, "both revisions are listed"
    _go(public, public.locator(f"main a[href$='/disclosures/{disclosure_id}?revision=1']"))
    assert "1200" in public.inner_text("main") and "1500" not in public.inner_text("main .prose")
    shots(public, "public-revision-1")
    ok(public.goto(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    _go(public, public.locator("main a[href*='from=1']"))
    assert public.locator("main del").filter(has_text="1200").count() >= 1
    assert public.locator("main ins").filter(has_text="1500").count() >= 1
    shots(public, "public-difference")


def test_handler_asks_resident_answers_handler_replies_resident_rates(js, new_context, tmp_path):
    filed = FILED.get(js) or _resident_files_complaint(new_context(js=js), Shots(f"a-resident-report-{_mode(js)}"),
                                                          tmp_path)
    shots = Shots(f"c-handler-case-{_mode(js)}")
    resident = filed["page"]
    handler = new_context(js=js).new_page()
    sign_in(handler, "handler_baishi")
    ok(handler.goto("/triage/"))
    assert filed["case"] in handler.inner_text("main"), "the new case is in the township inbox"
    shots(handler, "inbox")
    _go(handler, handler.locator(f"main a[href$='/triage/{filed['case']}']"))
    assert filed["description"] in handler.inner_text("main")
    shots(handler, "case")

    ask_answer_conclude(handler, resident, filed["receipt"], shots)
    with handler.expect_navigation() as navigation:
        handler.locator("main form:has(input[name=confirm]) button:not(.secondary)").click()
    no_server_error(navigation.value)
    assert "published to the complainant" in handler.inner_text(".flashes") or "已向举报人公开" in handler.inner_text(".flashes")
    shots(handler, "concluded")

    text = resident_view(resident, filed["receipt"])
    assert REPLY in text, "the resident reads the reply"
    shots(resident, "resident-sees-reply")
    resident.check("input[name=rating][value=satisfied]")
    submit(resident, button="main form[action$='/complaints/track/rate'] button")
    # The rating sits right under the result.
    assert resident.locator("main section.result").filter(has_text="满意").count() == 1
    shots(resident, "resident-rated")

    handler.reload()
    assert "满意" in handler.inner_text("main dl.facts"), "the handler sees the rating"
