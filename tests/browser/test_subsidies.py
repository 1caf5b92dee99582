"""The 一卡通 self-check in Chromium on a 360 px phone without JavaScript, and the township's flagged list."""
import pytest

from browser.support import Shots, fits, ok, require_browser, sign_in, submit

require_browser()

pytestmark = pytest.mark.browser

def test_resident_checks_payments_and_disputes_one_at_360px_without_javascript(new_context):
    page = new_context(js=False).new_page()
    shots = Shots("subsidy-check-360")
    ok(page.goto("/subsidies/check"))
    fits(page)
    shots(page, "form")
    page.fill("#id_number", "339901197508220024")
    page.fill("#name", "何秀兰")
    submit(page)
    assert page.locator("#error-id_number").count() == 1
    fits(page)
    shots(page, "bad-id")
    page.fill("#id_number", "339901 19750822 0023")
    submit(page)
    main = page.inner_text("main")
    assert "412.30" in main and "耕地地力保护补贴" in main and "339901197508220023" not in page.content()
    fits(page)
    shots(page, "payments")
    submit(page, button="main form.inline-form button[type=submit]")
    assert page.url.endswith("/complaints/new/what")
    assert "412.30" in page.input_value("#description")
    fits(page)
    shots(page, "complaint-prefilled")


def test_self_check_on_a_desktop_screen(new_context):
    page = new_context(js=True, viewport={"width": 1366, "height": 900}, is_mobile=False).new_page()
    shots = Shots("subsidy-check-1366")
    ok(page.goto("/subsidies/check"))
    page.fill("#id_number", "339901195511200032")
    page.fill("#name", "吴长根")
    submit(page)
    assert page.locator(".payment-lines > li").count() == 2
    fits(page)
    shots(page, "payments")


def test_township_handler_reads_the_flagged_list_at_360px(new_context):
    page = new_context(js=False).new_page()
    shots = Shots("subsidy-queue-360")
    sign_in(page, "handler_baishi")
    ok(page.goto("/oversight/payment-lists/"))
    fits(page)
    shots(page, "queue")
    page.locator("main ul.links a").first.click()
    assert "吴长根名下误开两张一卡通" in page.inner_text("main")
    fits(page)
    shots(page, "flagged-list")
