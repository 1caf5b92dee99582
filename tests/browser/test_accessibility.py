"""Accessibility in a real browser: axe-core on every page, text size, tap targets, focus, errors, large text."""
import re

import pytest

from browser.support import AXE_JS, require_browser, sign_in

require_browser()

from demo_ids import VILLAGE

from browser.checks import ERRORS_JS, TARGETS_JS, TEXT_SIZES_JS, axe_scan, focus_ring_misses
from browser.pages import crawl, public_pages

pytestmark = pytest.mark.browser

FORM_PAGES = {
    "complaint form": f"/complaints/new?village={VILLAGE}",
    "complaint tracking": "/complaints/track",
    "login": "/auth/login",
}
# Staff areas, who may enter each (first that gets in wins), and where they start.
STAFF_AREAS = {
    "publish": ("/publish/", ["cadre_shangtang"]),
    "triage": ("/triage/", ["handler_baishi"]),
    "oversight": ("/oversight/", ["county_admin", "county_handler"]),
    "admin": ("/admin/", ["county_admin"]),
    "evaluation": ("/evaluation/", ["handler_baishi"]),
    "account": ("/auth/", ["handler_baishi"]),
}


BROKEN: list[str] = []  # pages that answered 5xx while scanned


def _examine(page, name: str, path: str, results: dict) -> None:
    results[f"{name} {path}"] = {
        "axe": axe_scan(page) if AXE_JS.exists() else [],
        "sizes": page.evaluate(TEXT_SIZES_JS),
        "targets": page.evaluate(TARGETS_JS),
    }


def _reject_empty_form(page) -> None:
    """Submit the page's main form with nothing filled in, past the browser's own checks."""
    page.evaluate("() => document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
    with page.expect_navigation():
        page.locator("main form button[type=submit], main form input[type=submit]").last.click()


def _axe_context(new_context):
    """A context that loads axe-core into every page it opens (CSP bypassed for the scan only)."""
    context = new_context(js=True, bypass_csp=True)
    if AXE_JS.exists():
        context.add_init_script(path=str(AXE_JS))
    return context


@pytest.fixture(scope="module")
def scanner(new_context):
    """A JavaScript-enabled page whose context bypasses CSP so axe-core can be injected."""
    return _axe_context(new_context).new_page()


@pytest.fixture(scope="module")
def public_results(scanner, live_database_url):
    results, missing = {}, []
    pages = {**public_pages(live_database_url), **FORM_PAGES}
    for name, path in pages.items():
        response = scanner.goto(path)
        if response.status >= 500:
            BROKEN.append(f"{path}: {response.status}")
        if response.status == 404 and name != "not found":
            missing.append(name)
            continue
        _examine(scanner, name, path, results)
        if name in ("complaint form", "login", "ballot"):
            _reject_empty_form(scanner)
            _examine(scanner, f"{name} (errors)", path, results)
    _print_summary("public pages", results, missing)
    return results


@pytest.fixture(scope="module")
def staff_results(new_context):
    results, missing = {}, []
    for area, (start, users) in STAFF_AREAS.items():
        page = _axe_context(new_context).new_page()
        if page.goto("/auth/login").status == 404:
            missing.append(f"{area} (no sign-in yet)")
            continue
        for username in users:
            page.context.clear_cookies()
            sign_in(page, username)
            response = page.goto(start)
            if response.status < 400:
                break
        if response.status >= 400:
            missing.append(f"{area} ({response.status})")
            continue
        _visited, broken = crawl(page, start, start, lambda p, path, a=area: _examine(p, a, path, results), limit=9)
        BROKEN.extend(broken)
        page.context.close()
    _print_summary("staff pages", results, missing + [f"{b} (server error)" for b in BROKEN])
    return results


def _print_summary(title: str, results: dict, missing: list[str]) -> None:
    serious = sum(len(r["axe"]) for r in results.values())
    print(f"\naxe-core: {len(results)} {title} scanned, {serious} serious/critical violations"
          + ("" if AXE_JS.exists() else " (axe-core not installed: run npm ci)"))
    for page, result in results.items():
        ids = ", ".join(f"{v['id']}({v['impact']})" for v in result["axe"]) or "ok"
        print(f"  {page}: {ids}")
    if missing:
        print(f"  not reachable yet: {', '.join(missing)}")


def _problems(results: dict, key: str, sub: str | None = None) -> str:
    """One line per problem, for a readable assertion message."""
    lines = []
    for page, result in results.items():
        for problem in (result[key][sub] if sub else result[key]):
            lines.append(f"{page}: {problem}")
    return "\n".join(lines)


def test_scanned_pages_do_not_fail(public_results, staff_results):
    assert not BROKEN, f"pages answering with a server error: {BROKEN}"


def test_axe_core_is_installed():
    assert AXE_JS.exists(), "run `npm ci` at the repository root: axe-core is missing"


@pytest.mark.parametrize("which", ["public", "staff"])
def test_no_serious_or_critical_axe_violations(which, request):
    results = request.getfixturevalue(f"{which}_results")
    if not results:
        pytest.fail(f"no {which} pages reachable")
    assert not _problems(results, "axe"), "\n" + _problems(results, "axe")


@pytest.mark.parametrize("which", ["public", "staff"])
def test_body_text_is_at_least_16px(which, request):
    results = request.getfixturevalue(f"{which}_results")
    for page, result in results.items():
        assert result["sizes"]["body"] >= 16, page
    assert not _problems(results, "sizes", "small"), "text under 16 px:\n" + _problems(results, "sizes", "small")
    assert not _problems(results, "sizes", "tiny"), "text under 14 px:\n" + _problems(results, "sizes", "tiny")


@pytest.mark.parametrize("which", ["public", "staff"])
def test_tap_targets_are_at_least_48px_high(which, request):
    problems = _problems(request.getfixturevalue(f"{which}_results"), "targets")
    assert not problems, "tap targets under 48 px:\n" + problems


@pytest.mark.parametrize("path", ["/", f"/villages/{VILLAGE}", "/auth/login", f"/complaints/new?village={VILLAGE}"])
def test_keyboard_focus_is_visible(scanner, path):
    if scanner.goto(path).status == 404:
        pytest.fail(f"{path} is missing")
    assert not focus_ring_misses(scanner)


def _first_case(page) -> str:
    page.goto("/triage/")
    link = page.locator("main a[href^='/triage/']").filter(has_text=re.compile(r"\d{6}-\d{4}-\d{6}"))
    if not link.count():
        pytest.fail("no case in the inbox")
    return link.first.get_attribute("href")


def _reject_question(page) -> None:
    """Send the case page's 'ask the complainant' action with an empty question."""
    box = page.locator("main details:has(input[name=action][value=question])")
    box.locator("summary").click()
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


# (who signs in first, the form's page, how to send it empty)
ERROR_FORMS = {
    "login": (None, "/auth/login", _reject_empty_form),
    "complaint": (None, f"/complaints/new?village={VILLAGE}", _reject_empty_form),
    "ballot": (None, "/ballot", _reject_empty_form),
    "publish notice": ("cadre_shangtang", "/publish/disclosures/new/text", _reject_empty_form),
    "triage question": ("handler_baishi", _first_case, _reject_question),
}


@pytest.mark.parametrize("form", list(ERROR_FORMS))
def test_form_errors_are_announced_and_linked_to_their_fields(new_context, form):
    user, path, send_empty = ERROR_FORMS[form]
    page = new_context(js=True).new_page()
    if user:
        if page.goto("/auth/login").status == 404:
            pytest.fail("sign-in is missing")
        sign_in(page, user)
    path = path(page) if callable(path) else path
    if page.goto(path).status == 404:
        pytest.fail(f"{path} is missing")
    send_empty(page)
    state = page.evaluate(ERRORS_JS)
    assert state["announced"], "the error summary needs role=alert or aria-live"
    assert state["fields"], "invalid fields need aria-invalid=true"
    unlinked = [f["name"] for f in state["fields"] if not f["described"]]
    assert not unlinked, f"aria-describedby must point at the error message: {unlinked}"
    page.context.close()


def test_larger_text_persists_across_pages(new_context, live_database_url):
    page = new_context(js=False).new_page()
    pages = public_pages(live_database_url)
    page.goto(f"/display/large?next=/villages/{VILLAGE}")
    for name in ("village", "power item", "home", "disclosure (table)", "duty report"):
        page.goto(pages[name])
        size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p:not(.small):not(.muted), main li')).fontSize)")
        body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
        assert body >= 22 and size >= 22, f"{name}: body {body}px, text {size}px"
    page.goto("/display/normal?next=/")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") == 18
