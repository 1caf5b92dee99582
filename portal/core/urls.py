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


DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """The address the public reaches the portal at, without a trailing slash.

    Posters, ballot sheets, feeds, the API and e-mails print it. Production must set
    ``PUBLIC_BASE_URL`` (the app refuses to start without it); in development it is the
    address of the request being served, so ``PORT=8000 make run`` prints :8000 links.
    Outside a request (the job runner in development) it falls back to make run's address.
    """
    from flask import current_app, has_request_context, request

    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_BASE_URL
