"""Where the portal may send a browser next."""
from urllib.parse import urlsplit


def safe_next_url(target: str | None, default: str = "/") -> str:
    """Return target if it is a path on this portal, else default (no open redirects)."""
    target = target or ""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    # Browsers drop tabs and newlines, so "/\t/evil.example" would become "//evil.example".
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
