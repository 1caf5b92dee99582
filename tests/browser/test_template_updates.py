"""County template updates and step rows in a real browser, on an office screen (1366 px) and a phone (360 px):
the county changes a standard item, a cadre reviews the change on the dashboard and accepts or declines it,
the county reads the adoption per item; step rows move in place with JavaScript and by the server without."""
import uuid

import pytest

from browser.support import Shots, click, fits, ok, require_browser, sign_in, submit

require_browser()

pytestmark = pytest.mark.browser
SCREENS = {1366: {"viewport": {"width": 1366, "height": 900}, "is_mobile": False, "has_touch": False,
                  "device_scale_factor": 1},
           360: {}}
# Each run changes its own standard item, so the two screens do not answer each other's offers.
CASES = {1366: ("QX-K-01", "en", "accept"), 360: ("QX-J-01", "zh", "decline")}


def _context(new_context, base: str, width: int, lang: str, js: bool = True):
    context = new_context(js=js, **SCREENS[width])
    context.add_cookies([{"name": "lang", "value": "en" if lang == "en" else "zh_Hans_CN", "url": base}])
    return context


def _count(page, code: str, state: str) -> int:
    row = page.locator("table.adoption tbody tr", has_text=code)
    return int(row.locator(f"[data-state={state}]").inner_text())


@pytest.mark.parametrize("width", [1366, 360])
def test_a_county_change_reaches_the_village_and_the_county_sees_the_answer(new_context, live_server, width):
    code, lang, answer = CASES[width]
    shots = Shots(f"template-update-{width}-{lang}")
    county = _context(new_context, live_server, width, lang).new_page()
    sign_in(county, "county_admin")
    ok(county.goto("/admin/templates"))
    click(county, county.locator("main a", has_text=code))
    basis = f"县纪委监委〔2026〕{uuid.uuid4().int % 90 + 10}号通知"
    county.fill("#legal_basis", county.input_value("#legal_basis") + "\n" + basis)
    shots(county, "county-edits-item")
    fits(county)
    submit(county, "main form")
    assert county.locator(".flash").count() == 1
    shots(county, "county-saved")
    ok(county.goto("/admin/templates/adoption"))
    pending = _count(county, code, "pending")
    assert pending >= 1
    shots(county, "adoption-before")
    fits(county)

    cadre = _context(new_context, live_server, width, lang).new_page()
    sign_in(cadre, "cadre_shangtang")
    ok(cadre.goto("/publish/"))
    updates = cadre.locator("section[aria-labelledby=updates] li", has_text=code)
    assert updates.count() == 1
    shots(cadre, "dashboard")
    fits(cadre)
    click(cadre, updates.locator("a"))
    assert basis in cadre.inner_text("main ins")
    shots(cadre, "update-diff")
    fits(cadre)
    if answer == "accept":
        click(cadre, cadre.locator("main form[action$='/accept'] button"))
    else:
        cadre.fill("#reason", "本村按村民代表会议决定执行，暂不采纳。")
        click(cadre, cadre.locator("main form[action$='/decline'] button"))
    assert cadre.locator(".flash-success").count() == 1
    assert cadre.locator("section[aria-labelledby=updates] li", has_text=code).count() == 0
    shots(cadre, "answered")
    fits(cadre)

    ok(county.goto("/admin/templates/adoption"))
    assert _count(county, code, "pending") == pending - 1
    state = "as_is" if answer == "accept" else "declined"
    assert _count(county, code, state) >= 1
    click(county, county.locator("table.adoption tbody tr", has_text=code).locator(f"a[data-state={state}]"))
    assert "上塘村" in county.inner_text("main")
    if answer == "decline":
        assert "暂不采纳" in county.inner_text("main")
    shots(county, "adoption-detail")
    fits(county)
    # The township filter narrows the counts to its villages.
    ok(county.goto("/admin/templates/adoption"))
    county.select_option("#township", "339901201")
    submit(county, "main form.filters")
    assert "township=339901201" in county.url
    assert _count(county, code, state) == 0
    shots(county, "adoption-one-township")
    fits(county)


@pytest.mark.parametrize("width", [1366, 360])
def test_step_rows_move_in_place_with_javascript(new_context, live_server, width):
    shots = Shots(f"step-rows-js-{width}")
    page = _context(new_context, live_server, width, "zh").new_page()
    sign_in(page, "cadre_shangtang")
    ok(page.goto("/publish/powers"))
    click(page, page.locator("main a[href$='/edit']"))
    assert page.get_attribute("#steps", "data-js") == "on"
    rows = page.locator("fieldset.step-row").count()
    first_action = page.input_value("#step-0-action")
    requests = []
    page.on("request", lambda request: requests.append(request.url) if request.method == "POST" else None)
    url = page.url
    page.locator("button[name=row_action][value=add]").click()
    assert page.locator("fieldset.step-row").count() == rows + 1 and page.url == url and not requests
    assert page.evaluate("document.activeElement.id") == f"step-{rows}-actor"  # the new row has the keyboard
    page.fill(f"#step-{rows}-actor", "村务监督委员会")
    page.fill(f"#step-{rows}-action", "在公开栏复核办理结果")
    page.check(f"input[name=step-{rows}-risk]")
    page.fill(f"#step-{rows}-control", "村监委签字确认")
    assert page.is_visible(f"#step-{rows}-control")
    # Move the new row to the top, one place at a time, then the old first step down again.
    for index in range(rows, 0, -1):
        page.locator(f"button[name=row_action][value=up-{index}]").click()
    assert page.input_value("#step-0-action") == "在公开栏复核办理结果"
    assert page.input_value("#step-1-action") == first_action
    assert page.is_hidden("#step-0 button[value=up-0]") and page.is_visible("#step-0 button[value=down-0]")
    assert "1" in page.inner_text("#step-0 legend") and page.get_attribute("label[for=step-0-control]", "for")
    assert "已移到第 1 步" in page.inner_text("[data-step-status]")
    shots(page, "moved-to-top")
    fits(page)
    # Remove the second row (the old first step) in place.
    page.locator("button[name=row_action][value=remove-1]").click()
    assert page.locator("fieldset.step-row").count() == rows and not requests
    names = page.eval_on_selector_all("fieldset.step-row input[name$='-action']", "els => els.map(e => e.name)")
    assert names == [f"step-{i}-action" for i in range(rows)]
    shots(page, "row-removed")
    page.fill("#reason", "新增复核环节并调整顺序")
    click(page, page.locator("main .actions button[name=action][value=preview]"))
    review = page.inner_text("main .review")
    assert review.index("在公开栏复核办理结果") < review.index("村监委签字确认")
    assert first_action not in review
    shots(page, "preview")
    fits(page)
    click(page, page.locator("button[name=action][value=edit]"))
    assert page.input_value("#step-0-action") == "在公开栏复核办理结果"  # back to editing, nothing lost


def test_step_rows_move_through_the_server_without_javascript(new_context, live_server):
    shots = Shots("step-rows-nojs-360")
    page = _context(new_context, live_server, 360, "en", js=False).new_page()
    sign_in(page, "cadre_shangtang")
    ok(page.goto("/publish/powers"))
    click(page, page.locator("main a[href$='/edit']"))
    rows = page.locator("fieldset.step-row").count()
    second = page.input_value("#step-1-action")
    assert page.is_hidden("#step-0 button[value=up-0]")
    click(page, page.locator("button[name=row_action][value=up-1]"))
    assert page.input_value("#step-0-action") == second
    click(page, page.locator("button[name=row_action][value=remove-0]"))
    assert page.locator("fieldset.step-row").count() == rows - 1
    shots(page, "after-server-actions")
    fits(page)
