"""Check whole public pages for constructs user content must never produce."""
import re

from xss_corpus import is_dangerous

_SCRIPT = re.compile(r"<\s*script", re.I)


def page_danger(html: str) -> str | None:
    """Describe the first dangerous construct of a page, or None.

    The page frame legitimately holds <meta> and <link> in <head>; user
    content only ever lands inside <main>, which is parsed with the strict
    detector. No page of the portal carries a <script> anywhere.
    """
    if _SCRIPT.search(html):
        return "a <script> element"
    start, end = html.find("<main"), html.rfind("</main>")
    if start < 0 or end < 0:
        return "no <main> element"
    return is_dangerous(html[start:end + len("</main>")])


_FORM_TAGS = re.compile(r"<(/?)(form|input|textarea|button|select|option)\b", re.I)


def form_page_danger(html: str) -> str | None:
    """Like page_danger, for a form page: its own form controls are allowed, their attributes still checked.

    The controls are renamed to <span> so the detector still sees every
    attribute (an injected onfocus= or formaction= would be reported).
    """
    return page_danger(_FORM_TAGS.sub(lambda m: f"<{m.group(1)}span data-was-{m.group(2).lower()}", html))
