"""The receipt as a picture a resident can keep in the phone's album: case number, receipt, how to follow."""
import functools
import io
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, PADDING = 720, 40
RED, INK, GREY = (164, 22, 26), (27, 27, 27), (85, 85, 85)
_KNOWN_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@functools.lru_cache(maxsize=4)
def find_cjk_font(configured: str | None = None) -> str | None:
    """Return a font file that has Chinese glyphs (the configured one, fontconfig's choice, a known path) or None."""
    candidates = [configured] if configured else []
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"],
                                   capture_output=True, text=True, timeout=5, check=False).stdout.strip()
            candidates.append(found)
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += list(_KNOWN_FONTS)
    for path in candidates:
        if path and Path(path).is_file() and _has_chinese(path):
            return path
    return None


def _has_chinese(path: str) -> bool:
    try:
        font = _load(path, 20)
    except OSError:
        return False
    return font.getbbox("村")[2] > font.getbbox("i")[2]  # a real glyph, not a narrow "missing" box


def _load(path: str, size: int):
    index = 2 if path.endswith("NotoSansCJK-Regular.ttc") else 0  # the Simplified Chinese face of the collection
    return ImageFont.truetype(path, size, index=index)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Break text to the width, character by character (Chinese has no spaces)."""
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > width and line:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return lines + ([line] if line else [])


def render(lines: list[tuple[str, str]], font_path: str | None) -> bytes:
    """Draw (style, text) lines on a white card and return PNG bytes; style is title|label|big|text|note."""
    sizes = {"title": 40, "label": 26, "big": 46, "text": 28, "note": 24}
    colours = {"title": RED, "label": GREY, "big": INK, "text": INK, "note": GREY}
    if font_path:
        fonts = {style: _load(font_path, size) for style, size in sizes.items()}
    else:
        fonts = {style: ImageFont.load_default(size) for style, size in sizes.items()}
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    laid = []
    for style, text in lines:
        for part in _wrap(probe, text, fonts[style], WIDTH - 2 * PADDING):
            laid.append((style, part))
    height = PADDING * 2 + sum(int(sizes[s] * 1.6) for s, _ in laid) + 12
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH - 1, 12], fill=RED)
    y = PADDING
    for style, text in laid:
        draw.text((PADDING, y), text, font=fonts[style], fill=colours[style])
        y += int(sizes[style] * 1.6)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # a fresh image: no metadata to leak
    return out.getvalue()
