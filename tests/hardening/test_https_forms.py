"""Over HTTPS, a form posted by a browser passes the CSRF check, and a forged one does not.

Flask-WTF's strict mode (WTF_CSRF_SSL_STRICT) refuses an HTTPS form post whose Referer is
missing or names another site. The browser decides whether to send a Referer from the
Referrer-Policy of the page holding the form, so that policy and the CSRF settings must fit
together: with `no-referrer` every form under /auth, /complaints, /triage and /ballot answered
"表单已过期". The production-stack journeys (tests/stack/) prove the same with real Chromium.
"""
from urllib.parse import urlsplit

import pytest
from conftest import csrf_from

BASE = "https://portal.example"

# Referrer Policy (W3C), for a same-origin request from an https page: what the Referer holds.
FULL_URL = {"unsafe-url", "no-referrer-when-downgrade", "same-origin", "origin-when-cross-origin",
            "strict-origin-when-cross-origin"}
ORIGIN_ONLY = {"origin", "strict-origin"}


def browser_referer(policy: str, page_url: str) -> str | None:
    """The Referer a browser sends with a same-origin form post from page_url under policy."""
    policy = policy.split(",")[-1].strip().lower()  # the last policy the browser knows wins
    if policy in FULL_URL:
        return page_url.split("#", 1)[0]
    if policy in ORIGIN_ONLY:
        parts = urlsplit(page_url)
        return f"{parts.scheme}://{parts.netloc}/"
    return None  # no-referrer (or unknown: treated as the strictest)


def browser_origin(policy: str, page_url: str) -> str:
    """The Origin header of a form post: "null" under no-referrer (Fetch, serializing an origin)."""
    if policy.split(",")[-1].strip().lower() == "no-referrer":
        return "null"
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}"


FORMS = [
    ("/auth/login", "/auth/login", {"username": "nobody_here", "password": "wrong-password-1"}),
    ("/complaints/track", "/complaints/track", {"receipt": "1234 5678 9012 3456 7890"}),
    ("/complaints/new?all=1", "/complaints/new", {"village": "", "description": ""}),
    ("/ballot", "/ballot", {"code": "0000"}),
]


@pytest.mark.parametrize(("form_page", "action", "data"), FORMS, ids=[f[0] for f in FORMS])
def test_a_browser_form_post_over_https_passes_the_csrf_check(client, form_page, action, data):
    page = client.get(form_page, base_url=BASE)
    assert page.status_code == 200
    policy = page.headers["Referrer-Policy"]
    page_url = BASE + form_page
    referer = browser_referer(policy, page_url)
    assert referer is not None, f"{form_page} sends Referrer-Policy {policy!r}: the browser sends no Referer"
    headers = {"Referer": referer, "Origin": browser_origin(policy, page_url)}
    response = client.post(action, base_url=BASE, headers=headers,
                           data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data})
    body = response.get_data(as_text=True)
    assert "表单已过期" not in body, f"{form_page}: a genuine form post was refused as expired"


@pytest.mark.parametrize("referer", [None, "https://evil.example/auth/login", "http://portal.example/auth/login"],
                         ids=["no-referer", "other-site", "plain-http"])
def test_over_https_a_post_without_a_same_origin_referer_is_refused(client, referer):
    """The fix keeps strict origin checking: the token alone is not enough over HTTPS."""
    page = client.get("/auth/login", base_url=BASE)
    headers = {"Referer": referer} if referer else {}
    response = client.post("/auth/login", base_url=BASE, headers=headers, data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "username": "cadre_shangtang",
        "password": "demo-password-2025"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/complaints/track", "/auth/login", "/triage/", "/ballot", "/complaints/new"])
def test_private_pages_never_give_their_address_to_another_site(client, path):
    """same-origin: the portal gets the Referer it needs; a linked or embedded site gets nothing."""
    policy = client.get(path, base_url=BASE).headers["Referrer-Policy"]
    assert policy == "same-origin"
