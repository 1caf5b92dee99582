"""Every staff page, found by walking the url_map, sends Cache-Control: no-store (signed in or not)."""
import re

import pytest

from portal.core.security import STAFF_PREFIXES
from tests.demo_ids import VILLAGE

# Paths anyone may see; everything else must be a staff path. A new page has to be put in one list.
PUBLIC_PREFIXES = ("/static", "/healthz", "/readyz", "/villages", "/townships", "/lang", "/display", "/files", "/emblem",
                   "/complaints", "/ballot", "/api/v1", "/record", "/subsidies", "/statistics", "/disclosures")
SAMPLE = {"int": "1", "default": VILLAGE}
ROLES = ("county_admin", "cadre_shangtang", "handler_baishi", "county_handler")


def _staff_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if path == "/" or path.startswith(PUBLIC_PREFIXES) and not path.startswith(STAFF_PREFIXES):
            continue
        assert path.startswith(STAFF_PREFIXES), f"{path} is neither public nor a staff path: classify it"
        if "GET" not in rule.methods:
            continue
        urls.append(re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "default", "1"), path))
    return sorted(set(urls))


def test_the_walk_finds_the_staff_areas(app):
    urls = _staff_urls(app)
    for area in ("/admin/", "/publish/", "/triage/", "/evaluation/", "/oversight/", "/oversight/polls/", "/auth/login"):
        assert area in urls, area
    assert len(urls) >= 30


@pytest.mark.parametrize("role", (None,) + ROLES)
def test_every_staff_page_is_no_store(app, client, auth, role):
    if role:
        auth.login(role)
    checked = 0
    for url in _staff_urls(app):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", (role, url, response.status_code,
                                                                    response.headers.get("Cache-Control"))
        checked += response.status_code == 200
    if role:
        assert checked >= 3, f"{role} saw fewer than three staff pages: the walk tests nothing"
