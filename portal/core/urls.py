"""Where the portal may send a browser next, and the addresses its pages link to."""
from functools import lru_cache
from urllib.parse import quote, urlsplit


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


# url_for percent-encodes this character: "%00" in a built URL marks where a value goes.
_SLOT = "\x00"


def place_url(endpoint: str, code: str, arg: str = "code", **fixed) -> str:
    """url_for(endpoint, **{arg: code}, **fixed) for a village's or township's page, built in microseconds.

    A village page links a dozen pages of its own; url_for costs ~15 µs each. The routes change only
    with a deployment, so each endpoint's URL is built once per process (and application root) with a
    slot where the code goes, and the code (digits) is put in.
    """
    from flask import request

    head, tail = _route(endpoint, request.script_root, tuple(sorted(fixed.items())), arg)
    return f"{head}{quote(code, safe='')}{tail}"


def fixed_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) for a URL that is the same on every request, built once per process."""
    from flask import request

    return _route(endpoint, request.script_root, tuple(sorted(values.items())), None)[0]


@lru_cache(maxsize=256)
def _route(endpoint: str, _script_root: str, fixed: tuple, slot: str | None) -> tuple[str, str]:
    """The URL's text before and after the slot's value (all of it before, without a slot)."""
    from flask import url_for

    if slot is None:
        return url_for(endpoint, **dict(fixed)), ""
    head, _, tail = url_for(endpoint, **dict(fixed), **{slot: _SLOT}).partition("%00")
    return head, tail
