"""Public figures, disclosure search and the household letter in Chromium: 360 px and 1366 px, no JavaScript,
and the letter printed to PDF on exactly one A4 page for every demo village."""
import io

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
                page.set_viewport_size({"width": 794, "height": 1123})
                page.screenshot(path=str(folder / f"letter-{code}-{lang}-print.png"), full_page=True)
                page.emulate_media(media="screen")
            with pikepdf.open(io.BytesIO(pdf)) as doc:
                pages[f"{code}-{lang}"] = len(doc.pages)
                box = [float(v) for v in doc.pages[0].mediabox]
            assert abs(box[2] - 595.3) < 2 and abs(box[3] - 841.9) < 2, box  # A4 in points
    context.close()
    write_metrics("household letter pages", pages)
    assert set(pages.values()) == {1}, pages
