"""The village page's one long list, built without Jinja.

A village adopts a hundred power items or more; in Jinja each line costs five escaped
expressions and was a third of a cold village page's CPU (docs/performance.md). Here it is
one format per line with the standard library's C escaper. The markup mirrors the template's
`ul.links` lines exactly (templates/home/village_show.html).
"""
from html import escape

from markupsafe import Markup

_LINE = '<li><a href="{href}{id}"><span>{title}</span><span class="muted small">{code}</span></a></li>'


def power_lines(items, href: str) -> Markup:
    """The <li> lines of a group of power items: rows with id, code and title."""
    prefix = escape(href)
    return Markup("".join(_LINE.format(href=prefix, id=int(item.id), title=escape(item.title), code=escape(item.code))
                          for item in items))
