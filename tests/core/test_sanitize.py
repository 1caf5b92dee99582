"""The sanitizer lets ordinary rich text through and nothing hostile."""

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    clean_html,
    plain_text,
    render_markdown,
)
from tests.xss_corpus import XSS_VECTORS, is_dangerous

REL = 'rel="nofollow noopener noreferrer"'
BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F]]
SANITIZERS = [clean_html, render_markdown, plain_text]


def vector_id(vector: str) -> str:
    """Name a vector readably in pytest output."""
    return ascii(vector[:40])


vectors = pytest.mark.parametrize("vector", XSS_VECTORS, ids=[vector_id(v) for v in XSS_VECTORS])


def test_corpus_is_large_and_distinct():
    assert len(XSS_VECTORS) >= 70
    assert len(set(XSS_VECTORS)) == len(XSS_VECTORS)
    assert all(isinstance(v, str) and v for v in XSS_VECTORS)


def test_allowlist_excludes_what_must_never_be_allowed():
    forbidden_tags = {"img", "iframe", "svg", "math", "script", "style", "form", "input", "button", "object"}
    assert not forbidden_tags & ALLOWED_TAGS
    attributes = {name for names in ALLOWED_ATTRIBUTES.values() for name in names}
    assert not {"style", "class", "id", "rel", "target", "src"} & attributes
    assert not any(name.startswith("on") for name in attributes)
    assert set(ALLOWED_PROTOCOLS) == {"http", "https", "mailto", "tel"}


# (a) no vector survives either way in, (b) and cleaning twice changes nothing.

@vectors
def test_clean_html_neutralises_vector(vector):
    assert is_dangerous(clean_html(vector)) is None


@vectors
def test_render_markdown_neutralises_vector(vector):
    assert is_dangerous(render_markdown(vector)) is None


@vectors
def test_clean_html_is_idempotent_on_vector(vector):
    once = clean_html(vector)
    assert clean_html(once) == once


@vectors
def test_markdown_output_is_already_clean(vector):
    rendered = render_markdown(vector)
    assert clean_html(rendered) == rendered


@vectors
def test_plain_text_escaped_is_safe(vector):
    assert is_dangerous(html.escape(plain_text(vector))) is None


def test_script_and_style_contents_are_removed_not_left_as_text():
    dirty = "<p>通知</p><script>alert(1)</script><style>p{}</style><template>t</template><noscript>n</noscript>"
    assert clean_html(dirty) == "<p>通知</p>"
    assert clean_html("<iframe>i</iframe><object>o</object><svg><text>s</text></svg>尾") == "尾"


def test_split_script_tag_leaves_only_escaped_text():
    out = clean_html("<scr<script>ipt>alert(1)</script>")
    assert "<" not in out.replace("&lt;", "")
    assert is_dangerous(out) is None


def test_doubly_encoded_script_url_loses_its_href():
    assert clean_html('<a href="&amp;#106;avascript:alert(1)">x</a>') == "<a>x</a>"


# (c) ordinary rich text keeps its structure.

@pytest.mark.parametrize("fragment", [
    "<p><strong>村道养护</strong> 6,800 元</p>",
    "<ul><li>低保户：3 户</li><li>五保户：1 户</li></ul>",
    "<ol><li>村民代表会议</li><li>公示 7 天</li></ol>",
    "<h2>财务公开</h2><h3>收入</h3><h4>补助</h4>",
    "<blockquote><p>四议两公开</p></blockquote>",
    "<p>第一行<br>第二行</p><hr><p><em>注</em>：<b>粗</b><i>斜</i><u>下划线</u><s>删除</s></p>",
    "<pre><code>合计 = 6800</code></pre><p><span>说明</span></p>",
    "<table><thead><tr><th>项目</th><th>金额（元）</th></tr></thead>"
    "<tbody><tr><td>村道养护</td><td>6,800</td></tr>"
    '<tr><td colspan="2" rowspan="1">合计 6,800</td></tr></tbody></table>',
])
def test_rich_text_is_unchanged(fragment):
    assert clean_html(fragment) == fragment
    assert is_dangerous(fragment) is None


def test_table_without_tbody_is_normalised_not_lost():
    out = clean_html("<table><tr><td>村道</td></tr></table>")
    assert out == "<table><tbody><tr><td>村道</td></tr></tbody></table>"


@pytest.mark.parametrize("href", ["https://gov.cn/a?b=1&amp;c=2", "http://example.cn", "mailto:jw@example.cn",
                                  "tel:12345", "/villages/12", "#top"])
def test_links_keep_href_and_get_rel(href):
    out = clean_html(f'<a href="{href}" title="查看" target="_blank" rel="opener">链接</a>')
    assert out == f'<a href="{href}" title="查看" {REL}>链接</a>'


def test_unlisted_attributes_and_elements_are_stripped_keeping_text():
    dirty = '<p class="x" id="y" style="color:red">正文</p><img src="a.png" alt="照片"><div>块</div><h1>标题</h1>'
    out = clean_html(dirty)
    assert out.startswith("<p>正文</p>")
    assert "<img" not in out and "<div" not in out and "<h1" not in out
    assert "块" in out and "标题" in out


def test_markdown_keeps_chinese_and_structure():
    text = ("# 2024 年村务公开\n\n**村道养护** 6,800 元，见[公告](https://gov.cn/n)。\n\n"
            "- 低保户\n- 五保户\n\n| 项目 | 金额 |\n|---|--:|\n| 修路 | 6,800 |\n")
    out = render_markdown(text)
    assert "<h2>2024 年村务公开</h2>" in out
    assert "<p><strong>村道养护</strong> 6,800 元，见" in out
    assert f'<a href="https://gov.cn/n" {REL}>公告</a>。</p>' in out
    assert "<ul>\n<li>低保户</li>\n<li>五保户</li>\n</ul>" in out
    assert "<th>项目</th>" in out and "<td>6,800</td>" in out
    assert is_dangerous(out) is None


def test_markdown_escapes_raw_html_and_refuses_script_links():
    out = render_markdown('<b onclick="x">粗</b> [点](javascript:alert(1)) ![图](/a.png) www.example.cn')
    assert out == "<p>&lt;b onclick=\"x\"&gt;粗&lt;/b&gt; [点](javascript:alert(1))  www.example.cn</p>\n"


def test_markdown_of_plain_chinese_is_unchanged():
    text = "村民委员会于二〇二四年三月召开会议，审议通过了《村道养护方案》。"
    assert render_markdown(text) == f"<p>{text}</p>\n"


# plain_text for feeds, summaries and API excerpts.

def test_plain_text_strips_tags_and_collapses_whitespace():
    dirty = "<h2>公告</h2>\n<p>村务&amp;财务\t公开</p><ul><li>一</li><li>二</li></ul><script>x()</script>"
    assert plain_text(dirty) == "公告 村务&财务 公开 一 二"
    assert plain_text("<p><strong>村道</strong>养护</p>") == "村道养护"


def test_plain_text_truncates_with_ellipsis():
    assert plain_text("<p>一二三四五六</p>", limit=4) == "一二三…"
    assert plain_text("<p>一二三四</p>", limit=4) == "一二三四"
    assert plain_text("abc def", limit=5) == "abc…"
    assert plain_text("一二三", limit=0) == ""
    assert len(plain_text("x" * 500, limit=100)) == 100


def test_plain_text_is_unescaped_text():
    assert plain_text("&lt;b&gt; &amp; &quot;") == '<b> & "'


# (d) the detector detects.

def test_detector_flags_most_raw_vectors():
    flagged = [v for v in XSS_VECTORS if is_dangerous(v)]
    assert len(flagged) >= 60


@pytest.mark.parametrize("dangerous", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="vbscript:x">x</a>',
    '<object data="data:text/html,x"></object>',
    '<p style="color:red">x</p>',
    '<iframe srcdoc="x"></iframe>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<base href=//evil.example>",
])
def test_detector_flags(dangerous):
    description = is_dangerous(dangerous)
    assert isinstance(description, str) and description


@pytest.mark.parametrize("safe", [
    "",
    "村务公开",
    "<p><strong>村道养护</strong> 6,800 元</p>",
    f'<a href="https://gov.cn" {REL}>政府网</a>',
    '<a href="mailto:a@example.cn">信</a><a href="/data:x">相对</a>',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>",
    "<table><tbody><tr><td colspan=\"2\">x</td></tr></tbody></table>",
])
def test_detector_passes_safe_html(safe):
    assert is_dangerous(safe) is None


# (e) properties over arbitrary and hostile-looking text.

PIECES = [
    "<", ">", "</", "/", "=", '"', "'", "`", " ", "\t", "\n", "\x00", "&", "#", ";", "!", "-", "[", "]",
    "(", ")", ":", "*", "_", "|", "script", "img", "svg", "math", "mtext", "mglyph", "style", "a", "p",
    "table", "td", "tr", "noscript", "xmp", "textarea", "title", "template", "iframe", "form", "isindex",
    "plaintext", "href", "src", "on", "onerror", "onload", "formaction", "srcdoc", "xlink:href", "data",
    "javascript", "vbscript", "&#106;", "&#x6A", "&colon;", "&Tab;", "&amp;", "&lt;", "<!--", "-->",
    "<![CDATA[", "]]>", "\u202e", "\u2066", "\ud800", "村务", "alert(1)", "x",
]
hostile_text = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join)
any_text = st.text() | hostile_text
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(any_text)
def test_clean_html_output_is_never_dangerous(text):
    assert is_dangerous(clean_html(text)) is None


@PROPERTY
@given(any_text)
def test_clean_html_is_idempotent(text):
    once = clean_html(text)
    assert clean_html(once) == once


@PROPERTY
@given(any_text)
def test_render_markdown_output_is_never_dangerous(text):
    assert is_dangerous(render_markdown(text)) is None


@PROPERTY
@given(any_text, st.integers(min_value=1, max_value=50))
def test_plain_text_respects_limit(text, limit):
    out = plain_text(text, limit)
    assert len(out) <= limit
    assert out == out.strip() and "  " not in out


# (f) control and bidi-override characters never get through.

@pytest.mark.parametrize("sanitize", SANITIZERS)
@pytest.mark.parametrize("char", BIDI + CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_and_bidi_characters_are_removed(sanitize, char):
    out = sanitize(f"<p>发票{char}fdp.exe</p>")
    assert char not in out
    assert "发票fdp.exe" in out


@pytest.mark.parametrize("sanitize", [clean_html, render_markdown])
@pytest.mark.parametrize("code", [0x202E, 0x2067, 0x01, 0x1B])
@pytest.mark.parametrize("spelling", ["&#{};", "&#x{:X};"])
def test_encoded_bidi_and_control_characters_are_removed(sanitize, spelling, code):
    entity = spelling.format(code)
    out = sanitize(f"<p>发票{entity}fdp.exe</p>")
    assert chr(code) not in out and entity not in out
    assert "fdp.exe" in out


def test_tab_and_newline_are_kept_and_carriage_returns_become_newlines():
    assert clean_html("<pre>a\tb\r\nc\rd</pre>") == "<pre>a\tb\nc\nd</pre>"


def test_lone_surrogates_are_removed():
    out = clean_html("村\ud800务")
    assert out == "村务"
    out.encode("utf-8")
