"""Hypothesis strategies of hostile input: what a careless, unlucky or malicious client sends."""
import json

from hypothesis import strategies as st
from xss_corpus import XSS_VECTORS

HUGE = "A" * 100_000
HUGE_CJK = "村务公开" * 25_000  # 100k characters, 300 KB of UTF-8

# Text that a browser could really submit: every entry is valid Unicode.
TEXT = [
    HUGE, HUGE_CJK, "", " ", "   \t  ", "\u3000\u3000", "\n\n\n", "\r\n" * 50,
    "a\x00b", "\x00", "\x07\x08\x1b[31m", "line\x0bbreak\x0c", "\x7f\x85", "村\x00委",
    "\u202eexe.pdf", "abc\u202dxyz\u202c", "\u2066\u2067\u2068\u2069", "\u200b\u200c\u200d\ufeff",
    "\u200b", "\ufeff上塘村", "\ufffd\ufffd", "%FF%FE%00", "e\u0301\u0301\u0301" * 50,
    "' OR 1=1 --", "'; DROP TABLE complaint; --", "\" OR \"\"=\"", "1; SELECT * FROM user_account",
    "{{7*7}}", "{% raw %}{{ config }}{% endraw %}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "{{ self.__init__ }}",
    "../../etc/passwd", "..\\..\\boot.ini", "/dev/null", "CON", "a/../../b.pdf", "file:///etc/passwd",
    "𝕏𝕏𝕏🙂🙂", "\U0010ffff", "ﾃｽﾄ", "ｌｏｎｇ　ｗｉｄｔｈ", "١٢٣", "²", "①", "〇一二",
    *XSS_VECTORS[:6], "<a href=\"javascript:alert(1)\">x</a>", "<img src=x onerror=alert(1)>",
]

# Numbers out of range and numbers in disguise, as a form carries them (text).
NUMBERS = ["-1", "0", "-0", str(10**30), "-" + str(10**30), "NaN", "nan", "inf", "-inf", "1e309", "1e-400",
           "0x10", "1_000", "007", "3.5", "1,000", " 5 ", "+5", "２", "²", "①", "١", "9" * 400,
           "2147483648", "9223372036854775808", "-9223372036854775809"]

DATES = ["0000-00-00", "0001-01-01", "9999-12-31", "2025-02-30", "2025-13-01", "31/12/2025", "2025-1-1",
         "20250101", "１９９９-０１-０１", "1970-01-01T00:00", "0001-01-01T00:00", "9999-12-31T23:59",
         "2025-03-01T25:61", "2025-03-01T00:00:00+99:00"]

# Bytes that are not UTF-8, sent raw (a urlencoded body or a multipart part).
RAW = [b"\xff\xfe", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xed\xa0\x80",
       b"\xc0\xaf", b"\xf8\x88\x80\x80\x80", b"\x80" * 64, "村".encode("gbk") * 20, b"ok\xffok",
       b"%FF%FE%00", b"\x00" * 16]

FILE_NAMES = ["../../etc/passwd", "..\\..\\boot.ini", "/dev/null", "CON", "CON.pdf", "a/../../b.pdf",
              "x.pdf\x00.exe", "evil\x00.jpg", "", " ", ".", "..", "\u202egpj.exe", "a" * 5000 + ".pdf",
              "report.PDF", "shell.php", "shell.php.jpg", "con:.pdf", "证据.pdf", "%00.pdf", "{{7*7}}.pdf"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_HEAD = b"\x89PNG\r\n\x1a\n"
FILE_BODIES = [b"", PDF, PNG_HEAD + b"\x00" * 10, b"<script>alert(1)</script>", b"MZ\x90\x00" + b"\x00" * 60,
               b"\xff\xd8\xff\xe0" + b"\x00" * 20, "名称,金额\n张三,-1e309\n".encode("gbk"),
               b"a,b\n" + b"\"" * 5000 + b"\n", b"=cmd|' /C calc'!A0,1\n", b"\xef\xbb\xbf" + b"x," * 5000]
FILE_TYPES = ["application/pdf", "image/jpeg", "image/png", "text/csv", "application/octet-stream",
              "text/html", "application/x-msdownload", ""]
HUGE_FILE_SIZES = [11 * 2**20, 27 * 2**20]  # over the upload limit; over the request limit


class HostileFile:
    """An upload: name, bytes and the content type the client claims."""

    def __init__(self, name: str, body: bytes, mime: str):
        self.name, self.body, self.mime = name, body, mime

    def __repr__(self):
        return f"HostileFile({self.name[:40]!r}, {len(self.body)} bytes, {self.mime!r})"


def _huge_file(size: int) -> HostileFile:
    return HostileFile("big.pdf", PDF + b"0" * (size - len(PDF)), "application/pdf")


texts = st.sampled_from(TEXT)
numbers = st.sampled_from(NUMBERS)
dates = st.sampled_from(DATES)
raw_bytes = st.sampled_from(RAW)
# Mixed strings with the dangerous character classes, beyond the fixed list.
generated = st.text(alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "Lo", "So", "Nd", "No")),
                    max_size=40)
files = st.builds(HostileFile, st.sampled_from(FILE_NAMES), st.sampled_from(FILE_BODIES),
                  st.sampled_from(FILE_TYPES))
huge_files = st.sampled_from(HUGE_FILE_SIZES).map(_huge_file)

# The sharpest values, drawn half of the time.
SHARP = ["村\x00委", "\x00", HUGE, "", "   ", "①", "²", "-1", "1e309", "9" * 400, "\u202eabc", "\u200b",
         "' OR 1=1 --", "{{7*7}}", "<script>alert(1)</script>", "../../etc/passwd", b"\xff\xfe", b"ok\xffok"]
# Appended to every field of a valid submission ("taint"): the whole form must refuse or clean it.
SUFFIXES = ["\x00", "\u202e", "\u200b", "\x1b[0m", "\ufeff", b"\xff"]

sharp = st.sampled_from(SHARP)
# One value for a form field: text, a number, a date, raw bytes, or several values at once.
form_values = st.one_of(
    sharp, sharp, sharp, sharp, sharp, texts, numbers, dates, generated, raw_bytes,
    st.lists(st.one_of(texts, numbers), min_size=2, max_size=3),
)
file_values = st.one_of(files, files, files, huge_files, st.lists(files, min_size=6, max_size=8), texts)

# JSON values where the API expects strings: wrong types, odd numbers, nesting.
json_scalars = st.one_of(st.sampled_from(TEXT + NUMBERS), st.none(), st.booleans(),
                         st.integers(min_value=-(10**30), max_value=10**30),
                         st.floats(allow_nan=False, allow_infinity=False))
json_values = st.one_of(
    json_scalars, json_scalars,
    st.lists(json_scalars, max_size=3),
    st.dictionaries(st.sampled_from(["name", "phone", "x", ""]), json_scalars, max_size=3),
    st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3),
                                                                                            inner, max_size=2),
                 max_leaves=6),
)


def nested(depth: int) -> str:
    """A JSON text nested `depth` levels deep (deeper than any parser's recursion limit when large)."""
    return '{"a":' * depth + "1" + "}" * depth


# Bodies that are not a JSON object at all, sent raw with the given content type.
RAW_BODIES = [
    (b"", "application/json"), (b"not json", "application/json"), (b"[1, 2]", "application/json"),
    (b"null", "application/json"), (b'"text"', "application/json"), (b"{", "application/json"),
    (b'{"receipt": "\xff\xfe"}', "application/json"), (b"\xff\xfe\xfd", "application/json"),
    (b'{"a": NaN, "b": Infinity}', "application/json"), (b'{"a": 1e999999}', "application/json"),
    (b'{"receipt": "1", "receipt": "2"}', "application/json"), (nested(100_000).encode(), "application/json"),
    (("[" * 50_000 + "]" * 50_000).encode(), "application/json"),
    (json.dumps({"village": HUGE}).encode(), "application/json"),
    (b"village=%FF%FE&category=%00", "application/x-www-form-urlencoded"),
    (b"\xff\xfe=\xff", "application/x-www-form-urlencoded"), (b"<xml/>", "application/xml"),
    (b"village=1", "text/plain"), (b"{}", "application/json; charset=latin-1"),
    (b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb", "multipart/form-data; boundary=x"),
    (b"{}", "multipart/form-data"), (b"{}", ""),
]
raw_bodies = st.sampled_from(RAW_BODIES)
