"""Pieces of the printed sheets (the notice-board poster, the household letter): QR codes and hotlines."""
import segno
from markupsafe import Markup, escape


def qr_svg(url: str, title: str) -> Markup:
    """Draw a QR code as inline SVG markup (scalable, no style attributes)."""
    svg = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr", lineclass=None, title=title)
    # Name the image for screen readers; segno writes <svg class="qr" viewBox=...>.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1))


def hotlines(village) -> list[tuple[str, str]]:
    """(who, number) pairs: village supervision, township, county, and the national 12388."""
    township, county = village.township, village.township.county
    pairs = [(village.name, village.supervision_phone), (township.name, township.hotline),
             (county.name, county.hotline), ("", "12388")]
    seen, out = set(), []
    for who, number in pairs:
        if number and number not in seen:
            seen.add(number)
            out.append((who, number))
    return out
