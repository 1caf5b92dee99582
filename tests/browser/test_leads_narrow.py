"""A handler on a phone (360 px) opens a case that belongs to a lead: the related case, why it is related
and the link and unlink actions fit the screen, with and without JavaScript."""
import pytest

from browser.support import Shots, click, fits, ok, require_browser, sign_in

require_browser()

pytestmark = pytest.mark.browser


def test_the_case_page_shows_its_lead_at_360_px(new_context):
    shots = Shots("lead-360")
    for js in (False, True):
        context = new_context(js=js)
        page = context.new_page()
        sign_in(page, "handler_baishi")
        ok(page.goto("/triage/?status="))
        row = page.locator("ul.cases li", has=page.locator(".tag.warn", has_text="线索")).first
        assert row.count() == 1, "the inbox marks the demo lead"
        click(page, row.locator("a"))
        lead = page.locator("#lead")
        assert lead.is_visible()
        assert lead.locator("ul.lead-cases li").count() >= 1
        assert "反映同一人" in lead.inner_text() and "取消关联" in lead.inner_text()
        lead.scroll_into_view_if_needed()
        fits(page)
        box = lead.locator("button[type=submit]").first.bounding_box()
        assert box["height"] >= 44, "a finger can press the unlink button"
        shots(page, f"case-lead-{'js' if js else 'nojs'}")
        page.set_viewport_size({"width": 360, "height": 740})
        lead.screenshot(path=str(shots.folder / f"lead-section-{'js' if js else 'nojs'}.png"))
        context.close()


def test_a_resident_chooses_text_messages_on_a_360_px_phone(new_context):
    from demo_ids import VILLAGE

    from browser.support import submit

    shots = Shots("sms-choice-360")
    page = new_context(js=False).new_page()
    ok(page.goto(f"/complaints/new?village={VILLAGE}"))
    page.fill("#description", "村里的误工补贴名单上有人从来没参加过会议，请核查。")
    submit(page)
    page.fill("#about", "村会计")
    submit(page)
    page.check("input[name=category][value=collective_assets]")
    submit(page)
    page.check("input[name=anonymous][value='0']")
    submit(page)
    assert "/complaints/new/contact" in page.url
    page.fill("#contact_name", "王小明")
    page.fill("#contact_phone", "0571-88886666")
    page.check("input[name=notify_sms]")
    submit(page)  # refused: a landline cannot get texts
    assert page.locator("#field-notify_sms .error, #error-notify_sms").count() >= 1
    fits(page)
    shots(page, "contact-sms-error")
    page.fill("#contact_phone", "13812345678")
    submit(page)
    assert "/complaints/new/check" in page.url and "有进展时短信通知我" in page.inner_text("main")
    shots(page, "check")
    page.context.close()
