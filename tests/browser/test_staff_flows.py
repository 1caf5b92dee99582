"""Staff flows in a real browser, on an office screen (1366 px) and on a phone (360 px), with screenshots:
a cadre publishes an owed monthly statement from a real-looking spreadsheet, keeps power-list steps as rows
(no JavaScript needed), a handler enters a letter and concludes a case after reviewing the reply, and the
county reads its dashboard and loads places from a table."""
import io
import re
import uuid

import pytest
from spreadsheets import merged_header, workbook_bytes

from browser.support import Shots, click, fits, ok, require_browser, sign_in, submit

require_browser()

from demo_ids import COUNTY, VILLAGE  # noqa: E402

pytestmark = pytest.mark.browser
SCREENS = {1366: {"viewport": {"width": 1366, "height": 900}, "is_mobile": False, "has_touch": False,
                  "device_scale_factor": 1},
           360: {}}


def _context(new_context, width: int, js: bool = True):
    return new_context(js=js, **SCREENS[width])


def _row_button(page, locator, js: bool) -> None:
    """A step-row button: with JavaScript the row changes in place, without it the server redraws the form."""
    if js:
        url = page.url
        locator.first.click()
        assert page.url == url
    else:
        click(page, locator)


def _statement_xlsx() -> bytes:
    """A village bookkeeper's sheet: a title, a merged two-row header, footer rows, formulas left unsaved."""
    def build(sheet):
        merged_header(sheet, "上塘村财务收支明细", "余额")
        sheet.append(["期初余额", None, None, None, 1000])
        sheet.append(["2025-03-05", "土地租金", 500, None, None])
        sheet.append(["2025-03-09", "电费", None, 120.5, None])
        sheet.append(["本月合计", None, "=SUM(C5:C6)", "=SUM(D5:D6)", None])
        sheet.append(["期末余额", None, None, None, "=E4+C7-D7"])
    return workbook_bytes(build)


def _letter_pdf() -> bytes:
    """A one-page scanned letter: a real PDF, which the upload check can open and rewrite."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_cadre_publishes_an_owed_monthly_statement_from_a_spreadsheet(new_context):
    """上塘村 owes one statement (the demo is seeded relative to today), so it is published once, from the
    phone, while the office screen opens every page along the way."""
    owed = "main section.todo a[href*='topic=finance_monthly']"
    pages = {}
    for width in (1366, 360):
        page = pages[width] = _context(new_context, width).new_page()
        sign_in(page, "cadre_shangtang")
        ok(page.goto("/publish/"))
        assert page.locator("#owed").count() == 1 and page.locator(owed).count() == 1
        Shots(f"staff-cadre-statement-{width}")(page, "dashboard-owed")
        fits(page)
        click(page, page.locator(owed))  # 1: publish now
        assert page.locator("#topic").input_value() == "finance_monthly"
        assert page.locator("#domain").input_value() == "finance"
        assert re.fullmatch(r"\d{4}-\d{2}", page.locator("#period_month").input_value())
    office, phone = pages[1366], pages[360]
    shots = Shots("staff-cadre-statement-360")
    phone.set_input_files("#upload", files=[{"name": "三月收支.xlsx", "buffer": _statement_xlsx(),
                                              "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    for width, page in pages.items():
        Shots(f"staff-cadre-statement-{width}")(page, "form-prefilled")
        fits(page)
    submit(phone)  # 2: save and preview
    for width, page in pages.items():
        if page is office:
            ok(office.goto(phone.url))
        text = page.inner_text("main")
        assert "土地租金" in text and "120.50" in text and ("recomputed" in text or "重新计算" in text)
        Shots(f"staff-cadre-statement-{width}")(page, "preview")
        fits(page)
    submit(phone, button="main form[action$='/publish'] button")  # 3: publish
    shots(phone, "published")
    disclosure_id = re.search(r"/publish/disclosures/(\d+)", phone.url).group(1)
    for width, page in pages.items():
        ok(page.goto(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
        assert "土地租金" in page.inner_text("main")
        Shots(f"staff-cadre-statement-{width}")(page, "public")
        fits(page)
    ok(office.goto("/publish/"))
    assert office.locator(owed).count() == 0  # published: no longer owed


@pytest.mark.parametrize("width,js", [(1366, True), (360, False)])
def test_cadre_keeps_power_steps_as_rows_and_previews_before_publishing(new_context, width, js):
    shots = Shots(f"staff-cadre-steps-{width}-{'js' if js else 'nojs'}")
    page = _context(new_context, width, js=js).new_page()
    sign_in(page, "cadre_shangtang")
    ok(page.goto("/publish/powers"))
    click(page, page.locator("main a[href$='/edit']"))
    rows = page.locator("fieldset.step-row").count()
    shots(page, "editor")
    fits(page)
    _row_button(page, page.locator("button[name=row_action][value=add]"), js)
    assert page.locator("fieldset.step-row").count() == rows + 1
    last = f"#step-{rows}-"
    action = f"公开办理结果 {uuid.uuid4().hex[:4]}"
    page.fill(last + "actor", "村务监督委员会")
    page.fill(last + "action", action)
    page.fill(last + "limit", "3日")
    page.check(f"input[name=step-{rows}-risk]")
    page.fill(last + "control", "村监委逐项核对后签字")
    _row_button(page, page.locator(f"button[name=row_action][value=up-{rows}]"), js)
    assert page.locator(f"#step-{rows - 1}-action").input_value() == action
    shots(page, "row-moved")
    page.fill("#reason", "补上公开办理结果这一步")  # every change states its reason, published with it
    click(page, page.locator("main .actions button[name=action][value=preview]"))
    assert "村监委逐项核对后签字" in page.inner_text("main .review")
    shots(page, "preview")
    fits(page)
    click(page, page.locator("button[name=action][value=publish]"))
    assert page.locator(".flash-success").count() == 1
    shots(page, "published")


@pytest.mark.parametrize("width", [1366, 360])
def test_handler_enters_a_letter_then_concludes_a_case_after_reviewing_the_reply(new_context, width):
    shots = Shots(f"staff-handler-{width}")
    page = _context(new_context, width).new_page()
    sign_in(page, "handler_baishi")
    ok(page.goto("/triage/"))
    shots(page, "inbox")
    fits(page)
    click(page, page.locator("main a[href$='/triage/new']"))
    page.check("input[name=channel][value=proxy]")
    page.fill("#proxy_name", "李德明")
    page.check("input[name=consent]")
    page.check("input[name=consent_how][value=in_person]")
    page.select_option("#village", VILLAGE)
    page.check("input[name=category][value=integrity]")
    page.fill("#about", "村会计")
    description = f"邻居委托反映：村会计虚报误工补贴三千元。{uuid.uuid4().hex[:6]}"
    page.fill("#description", description)
    page.set_input_files("#files", files=[{"name": "来信.pdf", "mimeType": "application/pdf", "buffer": _letter_pdf()}])
    shots(page, "enter-form")
    fits(page)
    submit(page, button="main form button[type=submit]")
    case_number = re.search(r"\d{6}-\d{4}-\d{6}", page.inner_text("main .slip")).group(0)
    assert page.locator(".receipt-code").count() == 1
    shots(page, "receipt-slip")
    fits(page)

    ok(page.goto(f"/triage/{case_number}"))  # 1: open the case
    shots(page, "case")
    fits(page)
    for step in ("accept", "start"):  # 2, 3: the next step is always the open primary form
        click(page, page.locator(f"section.primary-action:has(input[value={step}]) button[type=submit]"))
    box = page.locator("section.primary-action:has(input[value=conclude])")
    click(page, box.locator("button[type=submit]"))  # a failed 办结 lands on the error summary
    assert "#error-summary" in page.url and page.locator("#error-summary").count() == 1
    shots(page, "conclude-errors")
    box = page.locator("section.primary-action:has(input[value=conclude])")
    box.locator("input[name=finding][value=partly_true]").check()
    box.locator("input[name=disposal_mode][value=preliminary_check]").check()
    reply = "经核查，反映问题部分属实，已责令退还。"
    box.locator("textarea[name=reply]").fill(reply)
    click(page, box.locator("button[type=submit]"))  # 4: review the reply
    assert reply in page.inner_text("main .review")
    shots(page, "review")
    fits(page)
    click(page, page.locator("main form:has(input[name=confirm]) button:not(.secondary)"))  # 5: conclude and publish
    assert page.locator(".flash-success").count() == 1
    shots(page, "concluded")


@pytest.mark.parametrize("width", [1366, 360])
def test_county_reads_its_dashboard_and_loads_places_from_a_table(new_context, width, tmp_path):
    shots = Shots(f"staff-county-{width}")
    page = _context(new_context, width).new_page()
    sign_in(page, "county_handler")
    ok(page.goto("/oversight/"))
    assert page.locator("#n-open-now").count() == 1 and page.locator("#breach-h").count() == 1
    shots(page, "dashboard")
    fits(page)
    admin = _context(new_context, width).new_page()
    sign_in(admin, "county_admin")
    ok(admin.goto("/admin/places/import"))
    township = f"{COUNTY}{400 + width % 97}"
    table = (f"类型,代码,名称,电话,职务,用户名\r\n乡镇,{township},新建镇{width},0000-1,,\r\n"
             f"村,{township}201,新建村,,,\r\n村干部,{township}201,周某,,书记,\r\n")
    admin.set_input_files("#upload", files=[{"name": "county.csv", "mimeType": "text/csv",
                                             "buffer": table.encode("utf-8-sig")}])
    submit(admin, button="main form button[value=check]")
    assert admin.locator("button[name=action][value=import]").count() == 1
    shots(admin, "import-checked")
    fits(admin)
    submit(admin, button="button[name=action][value=import]")
    assert admin.locator("[role=status]").count() >= 1
    shots(admin, "imported")
