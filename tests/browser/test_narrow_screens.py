"""Every public page at 360 x 740, normal and large text: no sideways scrolling, no squeezed table cells."""
import pytest

from browser.support import ARTIFACTS, ok, require_browser

require_browser()

from demo_ids import VILLAGE

from browser.pages import correct_widest_table, public_pages

pytestmark = pytest.mark.browser

# What a page must not do on a 360 px phone: scroll sideways, or squeeze a cell below two characters.
LAYOUT_JS = """() => {
  const doc = document.documentElement;
  const narrow = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const box = cell.getBoundingClientRect();
    if (!cell.getClientRects().length || !box.width || !cell.textContent.trim()) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    if (box.width < 2 * em) narrow.push(`${cell.tagName.toLowerCase()} "${cell.textContent.trim().slice(0, 12)}" ${Math.round(box.width)}px < ${2 * em}px`);
  }
  const wide = [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  return {scroll: doc.scrollWidth, inner: innerWidth, narrow, wide};
}"""


@pytest.fixture(scope="module")
def narrow_pages(live_database_url):
    code, disclosure_id = correct_widest_table(live_database_url)
    pages = public_pages(live_database_url)
    pages["widest table"] = f"/villages/{code}/disclosures/{disclosure_id}"
    pages["widest table, what changed"] = f"/villages/{code}/disclosures/{disclosure_id}/diff?from=1&to=2"
    pages["complaint form"] = f"/complaints/new?village={VILLAGE}"
    pages["complaint tracking"] = "/complaints/track"
    pages.pop("notice-board poster", None)  # an A4 sheet for printing, not a phone page
    return pages


@pytest.mark.parametrize("size", ["normal", "large"])
def test_public_pages_fit_a_360px_phone(size, narrow_pages, new_context, live_server):
    context = new_context(js=True)
    if size == "large":
        context.add_cookies([{"name": "textsize", "value": "large", "url": live_server}])
    page = context.new_page()
    folder = ARTIFACTS / "screenshots" / f"narrow-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in narrow_pages.items():
        response = page.goto(path)
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        page.screenshot(path=str(folder / f"{name.replace(' ', '-').replace(',', '')}.png"), full_page=True)
        found = page.evaluate(LAYOUT_JS)
        if found["scroll"] > found["inner"]:
            problems.append(f"{name} {path}: scrolls sideways ({found['scroll']} > {found['inner']} px): {found['wide']}")
        problems += [f"{name} {path}: {cell}" for cell in found["narrow"]]
    context.close()
    assert not problems, "\n" + "\n".join(problems)


def test_the_widest_table_reads_as_cards_and_its_correction_in_words(narrow_pages, new_context):
    page = new_context(js=False).new_page()
    ok(page.goto(narrow_pages["widest table"]))
    card = page.locator("main table.cards tbody tr").first
    assert card.evaluate("e => getComputedStyle(e).display") == "flex"  # a card, not a table row
    assert page.locator("main table.cards thead").evaluate("e => e.getBoundingClientRect().width") <= 1
    assert "元" in card.inner_text()
    ok(page.goto(narrow_pages["widest table, what changed"]))
    words = page.locator("main ul.changes").inner_text()
    assert "→" in words and "4.31亩" in words and "467.64" in words
