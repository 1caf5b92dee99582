"""Accessible SVG charts drawn on the server: no script, no style attributes, numbers in the markup.

Each chart carries role="img", an aria-label and a <title>; the page shows
the same numbers in an HTML table next to it.
"""
from markupsafe import Markup, escape

WIDTH = 640
BAR = 26
GAP = 8
LABEL_W = 170
FONT = 14
BLUE = "#0b4f8a"
RED = "#a4161a"
GREY = "#c9c4b5"


def _open(title: str, height: int) -> str:
    t = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-label="{t}" class="chart" preserveAspectRatio="xMinYMin meet">'
            f'<title>{t}</title>')


def _short(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(title: str, rows: list[tuple[str, int | float]], unit: str = "") -> Markup:
    """Draw horizontal bars, one per (label, value), with the value written at the bar's end."""
    height = max(1, len(rows)) * (BAR + GAP) + GAP
    peak = max((value for _label, value in rows), default=0) or 1
    span = WIDTH - LABEL_W - 70
    parts = [_open(title, height)]
    for i, (name, value) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        w = round(span * value / peak) if value else 0
        parts.append(
            f'<g><text x="{LABEL_W - 6}" y="{y + BAR * 0.7:.0f}" text-anchor="end" font-size="{FONT}" '
            f'fill="#1b1b1b">{escape(_short(name))}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{max(w, 1)}" height="{BAR}" fill="{BLUE if value else GREY}"/>'
            f'<text x="{LABEL_W + w + 6}" y="{y + BAR * 0.7:.0f}" font-size="{FONT}" fill="#1b1b1b">'
            f'{escape(_number(value))}{escape(unit)}</text></g>'
        )
    if not rows:
        parts.append(f'<text x="{LABEL_W}" y="{BAR}" font-size="{FONT}" fill="#555">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def month_chart(title: str, months: list[str], bars: list[int], line: list[int],
                bar_name: str, line_name: str) -> Markup:
    """Draw one bar per month (e.g. received) with a line over them (e.g. concluded)."""
    height, top, bottom, left = 260, 34, 40, 40
    plot_h = height - top - bottom
    n = max(1, len(months))
    step = (WIDTH - left - 10) / n
    peak = max([*bars, *line, 1])
    parts = [_open(title, height)]
    parts.append(
        f'<rect x="{left}" y="8" width="14" height="14" fill="{BLUE}"/>'
        f'<text x="{left + 20}" y="20" font-size="{FONT}" fill="#1b1b1b">{escape(bar_name)}</text>'
        f'<line x1="{left + 200}" y1="15" x2="{left + 220}" y2="15" stroke="{RED}" stroke-width="3"/>'
        f'<text x="{left + 226}" y="20" font-size="{FONT}" fill="#1b1b1b">{escape(line_name)}</text>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 10}" y2="{top + plot_h}" stroke="#555"/>'
    )
    points = []
    for i, (month, value) in enumerate(zip(months, bars, strict=False)):
        x = left + i * step
        h = plot_h * value / peak
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(h, 0):.1f}" fill="{BLUE}"><title>{escape(month)}: {value}</title></rect>'
        )
        if value:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle" '
                         f'font-size="12" fill="#1b1b1b">{value}</text>')
        label = month[5:] if len(month) == 7 else month
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                     f'font-size="12" fill="#1b1b1b">{escape(label)}</text>')
        if i < len(line):
            points.append(f"{x + step / 2:.1f},{top + plot_h - plot_h * line[i] / peak:.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{RED}" stroke-width="3"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
