"""Scratch: look at the public pages in the phone browser."""
import pytest

from tests.browser.support import Shots, ok


@pytest.mark.browser
def test_explore(new_context):
    page = new_context(js=False).new_page()
    shots = Shots("explore")
    ok(page.goto("/?q=stc"))
    shots(page, "search")
    page.get_by_role("link", name="上塘村").first.click()
    shots(page, "village")
    print(page.url, len(page.content()))
    page.locator("details a").first.click()
    shots(page, "power")
    print(page.url)
