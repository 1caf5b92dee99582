"""Rate-limit keys: the limiter's storage never sees a client's address, only a keyed hash of it."""
import hashlib
import hmac

from flask import current_app, request


def client_address() -> str:
    """The client's address as the proxy settings (portal/core/proxies.py) establish it."""
    return request.remote_addr or "unknown"


def address_key() -> str:
    """Rate-limit key for every limiter: an HMAC of the client address, so the limiter never stores an IP."""
    pepper = str(current_app.config["RECEIPT_PEPPER"]).encode()
    address = client_address().encode()
    return "addr:" + hmac.new(pepper, b"address:" + address, hashlib.sha256).hexdigest()[:32]
