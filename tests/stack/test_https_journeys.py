"""The three journeys of the issue, in Chromium at 360 x 740 inside WeChat, over https through nginx
to two gunicorn nodes on PostgreSQL and Redis; each once with JavaScript on and once with it off.

(a) a resident files a complaint with a photo and follows it with the receipt;
(b) a cadre signs in and publishes a disclosure (and corrects it);
(c) a handler signs in with a second factor, asks a question and concludes; the resident answers
    and rates.
Every form here is a POST over HTTPS with the portal's CSRF check in strict mode: if the
Referrer-Policy of a form page stops the browser from sending its Referer, these fail with
"表单已过期" (400).
"""
import pytest
from browser.handling import REPLY, ask_answer_conclude, resident_view
from browser.support import Shots, ok, submit
from browser.test_journeys import _go, _resident_files_complaint
from demo_ids import VILLAGE

from stack.conftest import require_stack
from stack.journeys import correct_notice, publish_notice, sign_in_with_second_factor

require_stack()

pytestmark = pytest.mark.stack
FILED: dict[bool, dict] = {}


def _mode(js: bool) -> str:
    return "js" if js else "nojs"


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request):
    return request.param


def test_pages_come_over_https_from_both_nodes_with_the_production_headers(stack, phone):
    page = phone().new_page()
    response = page.goto("/complaints/track")
    ok(response)
    assert page.url.startswith("https://")
    headers = response.headers
    assert headers["strict-transport-security"].startswith("max-age="), "the app saw https through nginx"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"
    # Plain http is sent to https.
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(stack.http_base + "/complaints/track", timeout=5)
        raise AssertionError("plain http answered without a redirect")
    except urllib.error.HTTPError as exc:
        assert exc.code == 301 and exc.headers["Location"].startswith("https://")


FORM_PAGES = {
    "sign-in": ("/auth/login", {"input[name=username]": "nobody_here", "input[name=password]": "wrong-password-1"}),
    "tracking": ("/complaints/track", {"#receipt": "1234 5678 9012 3456 7890"}),
    "complaint": (f"/complaints/new?village={VILLAGE}", {"#description": "太短"}),
    "ballot": ("/ballot", {"input[name=code]": "0000 0000"}),
}


@pytest.mark.parametrize("form", FORM_PAGES, ids=list(FORM_PAGES))
def test_every_private_form_accepts_a_browser_post_over_https(form, stack, phone, fresh_resident):
    """The regression of issue 12: Referrer-Policy and the strict CSRF check must fit together.

    A wrong entry must come back with a message beside the field, never "表单已过期" (400).
    """
    path, fields = FORM_PAGES[form]
    page = phone(js=False).new_page()
    response = page.goto(path)
    ok(response)
    policy = response.headers.get("referrer-policy")
    for selector, value in fields.items():
        page.fill(selector, value)
    with page.expect_navigation() as navigation:
        page.locator("main form:not([role=search]) button[type=submit]").last.click()
    body = page.inner_text("body")
    assert "表单已过期" not in body, (
        f"{path}: Chromium's form post over https was refused as expired (Referrer-Policy {policy!r}): "
        "the strict CSRF check needs a Referer naming the host the app sees, port included "
        "(the page's Referrer-Policy, and nginx's Host/X-Forwarded-Host $http_host)")
    assert navigation.value.status < 500


def test_a_resident_files_a_complaint_with_a_photo_and_follows_it(js, stack, phone, fresh_resident, tmp_path):
    shots = Shots(f"stack-a-resident-report-{_mode(js)}")
    filed = _resident_files_complaint(phone(js=js), shots, tmp_path)
    assert filed["page"].url.startswith("https://")
    FILED[js] = filed


def test_a_cadre_signs_in_and_publishes_a_disclosure(js, stack, phone, fresh_resident):
    from browser.support import sign_in

    shots = Shots(f"stack-b-cadre-publish-{_mode(js)}")
    cadre = phone(js=js).new_page()
    sign_in(cadre, "cadre_shangtang")
    disclosure_id, title = publish_notice(cadre, shots, _mode(js))
    new_title = title + "（更正）"
    correct_notice(cadre, shots, disclosure_id, new_title)

    public = phone(js=js).new_page()
    ok(public.goto(f"/villages/{VILLAGE}"))
    link = public.locator(f"main a[href$='/disclosures/{disclosure_id}']")
    assert link.count() == 1 and new_title in link.inner_text()
    _go(public, link)
    body = public.inner_text("main")
    assert new_title in body and "1500" in body and "费用写错，应为 1500 元" in body
    shots(public, "public-corrected")


def test_a_handler_with_a_second_factor_asks_and_concludes_the_resident_answers_and_rates(
        js, stack, phone, fresh_resident, tmp_path):
    filed = FILED.get(js) or _resident_files_complaint(
        phone(js=js), Shots(f"stack-a-resident-report-{_mode(js)}"), tmp_path)
    shots = Shots(f"stack-c-handler-case-{_mode(js)}")
    resident = filed["page"]
    handler = phone(js=js).new_page()
    sign_in_with_second_factor(handler, "handler_baishi", shots)
    ok(handler.goto("/triage/"))
    assert "上塘村" in handler.inner_text("main"), "the township inbox lists 上塘村's cases"
    shots(handler, "inbox")
    # The resident's reference opens the case for staff too (the inbox shows staff case numbers).
    ok(handler.goto(f"/triage/{filed['case']}"))
    assert filed["description"] in handler.inner_text("main")
    photos = handler.locator("main a[href*='/triage/'][href*='/files/']")  # thumbnail and name: one photo
    assert len({photos.nth(i).get_attribute("href") for i in range(photos.count())}) == 1, "the photo is attached to the case"
    shots(handler, "case")

    ask_answer_conclude(handler, resident, filed["receipt"], shots)
    submit(handler, button="main form:has(input[name=confirm]) button:not(.secondary)")
    shots(handler, "concluded")

    assert REPLY in resident_view(resident, filed["receipt"]), "the resident reads the reply"
    resident.check("input[name=rating][value=satisfied]")
    submit(resident, button="main form[action$='/complaints/track/rate'] button")
    assert "表单已过期" not in resident.inner_text("body")
    assert "满意" in resident.inner_text("main"), "the tracking page shows the rating"
    shots(resident, "resident-rated")
