"""Read forms out of pages, encode hostile bodies by hand, and judge the answers."""
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlsplit

from hardening.hostile import HostileFile

ERROR_MARKERS = re.compile(r'class="[^"]*\berror(?:-summary)?\b|role="alert"')
# The generic error page (templates/errors/error.html): a heading and the message in a card.
ERROR_PAGE = re.compile(r"<title>[^<]*\b[45]\d\d\b[^<]*</title>.*<p class=\"card\">\s*\S", re.S)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|\bwerkzeug\.exceptions\.")


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, file, select, checkbox, radio, textarea, number, date, …
    value: str = ""
    options: list = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    enctype: str
    fields: list = field(default_factory=list)

    @property
    def multipart(self) -> bool:
        return self.enctype == "multipart/form-data"

    def names(self) -> list[str]:
        """Distinct field names, in page order."""
        return list(dict.fromkeys(f.name for f in self.fields))

    def hidden(self, name: str) -> str | None:
        return next((f.value for f in self.fields if f.name == name and f.kind == "hidden"), None)

    def kind_of(self, name: str) -> str:
        return next(f.kind for f in self.fields if f.name == name)

    def defaults(self) -> list[tuple[str, str]]:
        """What a browser would submit untouched: values, checked boxes, the selected (or first) option."""
        pairs, buttons = [], set()
        for f in self.fields:
            if f.kind == "button":  # only the clicked button is sent: take the first of each name
                if f.name not in buttons:
                    buttons.add(f.name)
                    pairs.append((f.name, f.value))
            elif f.kind in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.kind == "select":
                chosen = f.value or next((o for o in f.options if o), "")
                pairs.append((f.name, chosen))
            elif f.kind not in ("file", "submit", "button", "reset", "image"):
                pairs.append((f.name, f.value))
        return pairs


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self.form = Form(a.get("action") or "", a.get("enctype") or "")
                self.forms.append(self.form)
            return
        if self.form is None or not a.get("name") and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            self.form.fields.append(Field(a["name"], kind, a.get("value") or "", checked="checked" in a))
        elif tag == "textarea":
            self.textarea = Field(a["name"], "textarea")
            self.form.fields.append(self.textarea)
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
            if "selected" in a:
                self.select.value = a.get("value", "")
        elif tag == "button" and a.get("value") is not None:
            self.form.fields.append(Field(a["name"], "button", a["value"]))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea is not None:  # HTML drops one leading newline
                self.textarea.value = self.textarea.value.removeprefix("\r").removeprefix("\n")
            self.textarea = None


def post_forms(html: str, page_url: str) -> list[Form]:
    """Every POST form of a page, with its action resolved against the page's path."""
    parser = _Parser()
    parser.feed(html)
    for form in parser.forms:
        form.action = urlsplit(form.action).path or urlsplit(page_url).path
    return parser.forms


def csrf_token(html: str) -> str | None:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


def _as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def urlencoded(pairs) -> bytes:
    """Encode pairs as a browser would, but keep raw bytes raw (percent-escaped, not re-encoded)."""
    return b"&".join(quote_from_bytes(_as_bytes(k), safe=b"").encode() + b"=" +
                     quote_from_bytes(_as_bytes(v), safe=b"").encode() for k, v in pairs)


def multipart(pairs) -> tuple[bytes, str]:
    """Encode pairs as multipart/form-data; HostileFile values become file parts with their claimed names."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in pairs:
        head = b'Content-Disposition: form-data; name="' + _as_bytes(name).replace(b'"', b"%22") + b'"'
        if isinstance(value, HostileFile):
            filename = value.name.encode("utf-8", "surrogateescape").replace(b'"', b"%22").replace(b"\r\n", b" ")
            head += b'; filename="' + filename + b'"'
            if value.mime:
                head += b"\r\nContent-Type: " + value.mime.encode()
            body = value.body
        else:
            body = _as_bytes(value)
        chunks.append(b"--" + boundary.encode() + b"\r\n" + head + b"\r\n\r\n" + body + b"\r\n")
    chunks.append(b"--" + boundary.encode() + b"--\r\n")
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def flatten(values: dict) -> list[tuple[str, object]]:
    """Turn {name: value or [values]} into the pairs of a body (lists become repeated fields)."""
    pairs = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    return pairs


def shows_message(html: str) -> bool:
    """Tell whether a page tells the user what went wrong (error summary, field error, alert, error page)."""
    return bool(ERROR_MARKERS.search(html) or ERROR_PAGE.search(html))


def has_traceback(text: str) -> bool:
    return bool(TRACEBACK.search(text))
