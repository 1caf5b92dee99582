"""Trust X-Forwarded-* only from the reverse proxies named in FORWARDED_ALLOW_IPS.

With ``TRUST_PROXY=1`` the portal takes the client's address, scheme and host from
nginx's ``X-Forwarded-For``/``-Proto``/``-Host`` (one hop). A request that reaches the app
from any other address (a misrouted port, another host on the network) keeps its real
peer address: its headers could be forged to dodge rate limits or fake HTTPS.
"""
import ipaddress
import logging

from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)


def parse_networks(text: str) -> list | None:
    """Addresses or networks, comma-separated; ``*`` means every peer (None)."""
    items = [part.strip() for part in (text or "").split(",") if part.strip()]
    if "*" in items:
        return None
    return [ipaddress.ip_network(item, strict=False) for item in items]


class TrustedProxyFix:
    """ProxyFix for requests whose peer is an allowed proxy; the untouched app for everyone else."""

    def __init__(self, wsgi_app, allowed: str):
        self.wsgi_app = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1)
        self.networks = parse_networks(allowed)

    def trusted(self, peer: str | None) -> bool:
        if self.networks is None:
            return True
        try:
            address = ipaddress.ip_address((peer or "").split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.wsgi_app(environ, start_response)
