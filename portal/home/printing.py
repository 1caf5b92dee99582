"""Pieces of the printed sheets (the notice-board poster, the household letter): QR codes.

The hotlines they print come from places.service.village_hotlines, like every page.
"""
import segno
from markupsafe import Markup, escape


def qr_svg(url: str, title: str) -> Markup:
    """Draw a QR code as inline SVG markup (scalable, no style attributes)."""
    svg = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr", lineclass=None, title=title)
    # Name the image for screen readers; segno writes <svg class="qr" viewBox=...>.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1))
