"""Let HTML into the portal only through here: one allowlist, one cleaner."""

import re
from html import unescape

import bleach
from bleach import html5lib_shim
from markdown_it import MarkdownIt

from portal.core.text import HIDDEN_RANGES

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "u", "s", "ul", "ol", "li",
    "h2", "h3", "h4", "blockquote", "a", "hr", "code", "pre", "span",
    "table", "thead", "tbody", "tr", "th", "td",
})
# Anything not listed (style, class, id, on*, rel, target) is dropped; rel is
# added back by _LinkRel so authors cannot choose it.
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "th": ["colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

LINK_REL = "nofollow noopener noreferrer"

# bleach keeps the inner text of every tag it strips, so the code, styling
# and fallback text inside these must go before bleach ever sees them.
_DROP_WHOLE = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset",
    "object", "embed", "applet", "noembed", "noframes", "svg", "math", "xml",
})
# Tags that separate words, so plain_text does not glue "<p>a</p><p>b</p>" into "ab".
_BREAKS = html5lib_shim.HTML_TAGS_BLOCK_LEVEL | {"br", "td", "th", "tr", "caption"}


def _unwanted_characters():
    """Build the str.translate table for _scrub from the one list of hidden characters (portal/core/text.py)."""
    # Forms refuse these; what was stored before, or arrives from a file, loses them when shown.
    table = {c: None for first, last in HIDDEN_RANGES for c in range(first, last + 1)}
    table[0x0D] = "\n"  # a lone CR is a line break to whoever typed it
    return table


_UNWANTED = _unwanted_characters()


def _scrub(text: str) -> str:
    """Remove hidden characters (control, bidi, zero-width, lone surrogates)."""
    return text.replace("\r\n", "\n").translate(_UNWANTED)


def _tokens(html: str):
    """Yield the fragment's html5lib tokens without dropped elements or comments."""
    # Like bleach, leave every other unknown tag out at the tokenizer: a tree
    # of 20,000 nested <div>s costs html5lib quadratic time, and <isindex>
    # would come back as a form with English prompt text. Entities are
    # decoded here so what bleach checks is what a browser would see.
    parser = html5lib_shim.BleachHTMLParser(
        tags=ALLOWED_TAGS | _DROP_WHOLE,
        strip=True,
        consume_entities=True,
        namespaceHTMLElements=False,
    )
    # BleachHTMLParser parses with scripting on, as a visitor's browser does,
    # so <noscript> ends where it ends for them.
    dom = parser.parseFragment(html)
    depth = 0
    for token in html5lib_shim.getTreeWalker("etree")(dom):
        kind = token["type"]
        if depth:
            depth += (kind == "StartTag") - (kind == "EndTag")
            continue
        if kind in ("StartTag", "EmptyTag") and token["name"] in _DROP_WHOLE:
            depth = int(kind == "StartTag")
            continue
        if kind not in ("Comment", "Doctype"):
            yield token


_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _hides_bad_scheme(url: str) -> bool:
    """Tell whether url, decoded once more, names a scheme outside the allowlist."""
    # bleach already refuses "javascript:" in all its browser spellings; this
    # also refuses "&#106;avascript:" left as literal text, which is never a
    # real link and turns live wherever something unescapes twice.
    squashed = "".join(
        c for c in unescape(url) if c.isprintable() and not c.isspace()
    ).lower()
    match = _SCHEME.match(squashed)
    return bool(match) and match.group(1) not in ALLOWED_PROTOCOLS


def _without_bad_links(tokens):
    """Yield tokens, removing href attributes that hide a forbidden scheme."""
    for token in tokens:
        if token["type"] in ("StartTag", "EmptyTag"):
            href = token["data"].get((None, "href"))
            if href is not None and _hides_bad_scheme(href):
                del token["data"][(None, "href")]
        yield token


def _without_dropped(html: str) -> str:
    """Return html reserialized without dropped elements, entities decoded."""
    serializer = html5lib_shim.HTMLSerializer(
        quote_attr_values="always",
        omit_optional_tags=False,
        # Raw-text elements are all dropped by now; should one slip through,
        # its text must stay escaped so bleach's reparse cannot make tags of it.
        escape_rcdata=True,
        resolve_entities=False,
    )
    # Scrub again: "&#x202E;" only becomes an override character once decoded.
    return _scrub(serializer.render(_without_bad_links(_tokens(html))))


class _LinkRel(html5lib_shim.Filter):
    """Mark every surviving link nofollow, noopener and noreferrer."""

    def __iter__(self):
        for token in super().__iter__():
            if (
                token["type"] in ("StartTag", "EmptyTag")
                and token["name"] == "a"
                and (None, "href") in token["data"]
            ):
                token["data"][(None, "rel")] = LINK_REL
            yield token


def _cleaner() -> bleach.Cleaner:
    """Build a Cleaner for one call."""
    # A Cleaner holds parser state and is not thread-safe, and building one is
    # cheap next to parsing, so each call gets its own.
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_LinkRel],
    )


def clean_html(html: str) -> str:
    """Return html reduced to the allowlist, links marked nofollow."""
    return _cleaner().clean(_without_dropped(_scrub(html)))


# Raw HTML in markdown is escaped, not passed through; tables are how
# villages post budgets; bare URLs stay text so authors choose what links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> str:
    """Render CommonMark text to clean HTML."""
    env: dict = {}
    tokens = _MARKDOWN.parse(_scrub(text), env)
    for token in tokens:
        # The page owns <h1> and the allowlist stops at <h4>: "# x" becomes
        # <h2> rather than losing its heading.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 4)}"
    return clean_html(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env))


_SPACES = re.compile(r"\s+")


def plain_text(html: str, limit: int | None = None) -> str:
    """Return html's visible text, unescaped, collapsed and cut to limit characters."""
    # Unescaped on purpose ("&lt;b&gt;" gives "<b>"): callers escape it for
    # the place it goes (Jinja autoescape, a feed's HTML description).
    parts = []
    for token in _tokens(_scrub(html)):
        if token["type"] in ("Characters", "SpaceCharacters"):
            parts.append(token["data"])
        elif token.get("name") in _BREAKS:
            parts.append(" ")
    text = _SPACES.sub(" ", _scrub("".join(parts))).strip()
    if limit is None or len(text) <= limit:
        return text
    if limit < 1:
        return ""
    return text[: limit - 1].rstrip() + "…"
