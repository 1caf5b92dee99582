"""Every user-facing string is translated: catalogue complete, nothing left unwrapped, dates by locale."""
import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from demo_ids import VILLAGE

from portal.extensions import db

ROOT = Path(__file__).resolve().parent.parent
ZH_PO = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LETTERS = re.compile(r"[A-Za-z\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sd]")
# Literal text a template may carry: each language's own name on the language switch, byte units.
ALLOWED_LITERALS = {"中文", "English", "KB", "MB"}
TRANSLATABLE_ATTRS = ("title", "alt", "placeholder", "aria-label")


def _catalogue() -> dict[str, str]:
    with ZH_PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    pairs = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        value = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        pairs[key] = value or ""
    return pairs


def _extracted() -> dict[str, str]:
    """msgid → where it was found, over templates/ and portal/ (the same extraction as scripts/i18n.py)."""
    found = {}
    for folder, method_map in (("templates", [("**.html", "jinja2")]), ("portal", [("**.py", "python")])):
        for filename, lineno, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=method_map, keywords=KEYWORDS):
            msgid = message if isinstance(message, str) else message[0]
            if msgid:
                found.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    return found


def test_every_wrapped_string_has_a_chinese_translation():
    catalogue = _catalogue()
    untranslated = {msgid: where for msgid, where in _extracted().items() if not catalogue.get(msgid, "").strip()}
    listing = "\n".join(f"  {where}: {msgid!r}" for msgid, where in sorted(untranslated.items(), key=lambda i: i[1]))
    assert not untranslated, (
        f"{len(untranslated)} msgids have no Chinese translation; add them to translations/pending/<you>.json, "
        f"then run scripts/i18n.py and pybabel compile:\n{listing}")


# ---- literal text in templates ------------------------------------------------------------------

JINJA = re.compile(r"\{#.*?#\}|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


class _Literals(HTMLParser):
    """Collect the text nodes and translatable attribute values of a template with Jinja removed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in TRANSLATABLE_ATTRS and value:
                self.found.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button") and dict(attrs).get("value"):
            self.found.append(dict(attrs)["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.found.append(data.strip())


def _template_literals(path: Path) -> list[str]:
    source = JINJA.sub(" \x00 ", path.read_text(encoding="utf-8"))
    parser = _Literals()
    parser.feed(source)
    words = []
    for text in parser.found:
        for chunk in text.split("\x00"):
            chunk = chunk.strip()
            # Attribute fragments assembled by macros (aria-invalid="true") are markup, not text.
            if LETTERS.search(chunk) and chunk not in ALLOWED_LITERALS and '="' not in chunk:
                words.append(chunk)
    return words


def test_templates_carry_no_unwrapped_text():
    leftovers = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        words = _template_literals(path)
        if words:
            leftovers[str(path.relative_to(ROOT))] = words
    listing = "\n".join(f"  {p}: {w}" for p, w in leftovers.items())
    assert not leftovers, f"text outside _() in templates (wrap it for translation):\n{listing}"


# ---- literal text in Python messages --------------------------------------------------------------

# Calls whose string arguments a person reads.
MESSAGE_CALLS = {"flash", "PortalError", "ValidationError", "StopValidation", "abort"}
MESSAGE_KWARGS = {"message", "label"}


def _called_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _plain_strings(node: ast.Call) -> list[ast.Constant]:
    name = _called_name(node)
    candidates = []
    if name in MESSAGE_CALLS or name.endswith("Field"):
        candidates.extend(node.args[:1] if name != "abort" else node.args[1:2])
    candidates.extend(k.value for k in node.keywords if k.arg in MESSAGE_KWARGS)
    return [c for c in candidates if isinstance(c, ast.Constant) and isinstance(c.value, str)
            and LETTERS.search(c.value)]


def test_python_messages_are_wrapped_for_translation():
    leftovers = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for const in _plain_strings(node):
                    leftovers.append(f"  {path.relative_to(ROOT)}:{const.lineno}: {const.value!r}")
    assert not leftovers, "messages shown to people must go through _() / _l():\n" + "\n".join(leftovers)


# ---- rendered pages in both languages ---------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def _text_nodes(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.nodes


def _bare(text: str) -> str:
    return text.strip().rstrip(":：").strip()


@pytest.fixture
def page_paths(app):
    """The pages a resident and a staff member first meet, with real ids from the demo data."""
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        item = conn.execute(sa.text("SELECT p.id FROM power_item p JOIN village v ON v.id = p.village_id "
                                    "WHERE v.code = :c ORDER BY p.id"), {"c": VILLAGE}).scalar()
        disclosure = conn.execute(sa.text("SELECT d.id FROM disclosure d JOIN village v ON v.id = d.village_id "
                                          "WHERE v.code = :c AND d.status = 'published' ORDER BY d.id"),
                                  {"c": VILLAGE}).scalar()
    return {
        "home": "/", "search": "/?q=stc", "village": f"/villages/{VILLAGE}",
        "power item": f"/villages/{VILLAGE}/powers/{item}",
        "disclosure": f"/villages/{VILLAGE}/disclosures/{disclosure}",
        "complaint form": f"/complaints/new?village={VILLAGE}", "login": "/auth/login",
    }


def _strings(value):
    """Every string inside a column value (JSON columns hold lists and dicts)."""
    if isinstance(value, str):
        yield _bare(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _data_values() -> set[str]:
    """Every text value stored in the demo database: names, titles, steps (data, not UI)."""
    values = set()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                for value in row:
                    values.update(_strings(value))
    return values


def _render(client, path: str, lang: str):
    client.set_cookie("lang", lang)
    response = client.get(path, follow_redirects=True)  # /complaints/new opens its first question
    return response.status_code, response.get_data(as_text=True)


def test_english_pages_show_no_chinese_ui_words(ctx, client, page_paths):
    ui_words = {_bare(zh) for zh in _catalogue().values() if zh and CJK.search(zh)} - _data_values()
    leftovers = []
    for name, path in page_paths.items():
        status, html = _render(client, path, "en")
        if status == 404 and name in ("complaint form", "login"):
            continue
        assert status == 200, (name, status)
        assert 'lang="en"' in html
        # A whole text node equal to a catalogue translation is UI text; data (names, titles) is not.
        leftovers += [f"{name}: {node!r}" for node in _text_nodes(html) if _bare(node) in ui_words]
    assert not leftovers, "Chinese UI text on English pages (hard-coded or wrong locale):\n" + "\n".join(leftovers)


def test_chinese_pages_show_no_english_ui_text(client, page_paths):
    msgids = [m for m in _catalogue() if re.search(r"[A-Za-z]{2}", m)]
    exact = {_bare(m) for m in msgids if not PLACEHOLDER.search(m)}
    phrases = []
    for msgid in msgids:
        for chunk in PLACEHOLDER.split(msgid):
            chunk = _bare(chunk)
            if len(chunk.split()) >= 3:
                phrases.append(chunk)
    leftovers = []
    for name, path in page_paths.items():
        status, html = _render(client, path, "zh_Hans_CN")
        if status == 404 and name in ("complaint form", "login"):
            continue
        assert status == 200, (name, status)
        assert 'lang="zh-CN"' in html
        nodes = _text_nodes(html)
        text = " ".join(nodes)
        leftovers += [f"{name}: {n!r}" for n in nodes if _bare(n) in exact]
        leftovers += [f"{name}: {p!r}" for p in phrases if p in text]
    assert not leftovers, "English msgids left untranslated on Chinese pages:\n" + "\n".join(sorted(set(leftovers)))


def test_dates_follow_the_locale(client, page_paths):
    _, zh = _render(client, page_paths["village"], "zh_Hans_CN")
    _, en = _render(client, page_paths["village"], "en")
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", zh), "a Chinese page writes dates as 2025年1月31日"
    assert re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b", en), \
        "an English page writes dates as Jan 31, 2025"
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", en)
