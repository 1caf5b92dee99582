"""What one node does, the other sees at once, through nginx.

nginx alternates requests between node A and node B; a test-only header of the outer nginx.conf
(X-Portal-Node, $upstream_addr) says which node answered, so each check knows that the write
went to one node and the read was answered by the other.
"""
import io

import pytest
from browser.support import Shots, ok, sign_in
from browser.test_journeys import _resident_files_complaint
from demo_ids import VILLAGE

from stack.conftest import require_stack
from stack.journeys import NodeWatch, correct_notice, node_of, publish_notice, sign_in_with_second_factor

require_stack()

pytestmark = pytest.mark.stack


def _from_other_node(stack, fetch, written_on: str, tries: int = 8):
    """Repeat a read until the node that did not take the write answers it; return every response."""
    seen = []
    for _ in range(tries):
        response = fetch()
        node = node_of(stack, response)
        seen.append((node, response))
        if node not in (written_on, "?"):
            return seen
    raise AssertionError(f"node {written_on} answered all {tries} reads: {[n for n, _ in seen]}")


def test_a_complaint_with_a_photo_filed_on_one_node_opens_with_its_photo_on_the_other(
        stack, phone, fresh_resident, tmp_path):
    from PIL import Image

    resident_context = phone(js=True)
    watch = NodeWatch(resident_context, stack)
    filed = _resident_files_complaint(resident_context, Shots("stack-cross-node-photo"), tmp_path)
    filed_on = watch.last_post("/complaints/new")

    handler = phone(js=True).new_page()
    sign_in_with_second_factor(handler, "handler_baishi")
    case_url = f"/triage/{filed['case']}"
    for node, response in _from_other_node(stack, lambda: handler.goto(case_url), filed_on):
        ok(response)
        assert filed["description"] in handler.inner_text("main"), f"node {node} shows the complaint"
    link = handler.locator("main a[href*='/files/']")
    # the thumbnail and the file name link to the same one photo
    assert len({link.nth(i).get_attribute("href") for i in range(link.count())}) == 1, "the case lists its photo"
    photo_url = link.first.get_attribute("href")
    for node, response in _from_other_node(stack, lambda: handler.context.request.get(photo_url), filed_on):
        assert response.status == 200, f"node {node} answered {response.status} for the photo"
        assert response.headers["content-type"] == "image/jpeg"
        image = Image.open(io.BytesIO(response.body()))
        assert image.size == (320, 240), f"node {node} sent the photo as filed"
    # Stored once, in the one upload folder both nodes use, with nothing half-written beside it.
    stored = [p for p in stack.upload_dir.rglob("*") if p.is_file()]
    assert stored and not [p for p in stored if p.name.endswith(".part") or p.name.startswith(".")], stored


def test_a_correction_published_on_one_node_shows_on_the_other_nodes_village_page_at_once(
        stack, phone, fresh_resident):
    shots = Shots("stack-cross-node-correction")
    cadre_context = phone(js=True)
    watch = NodeWatch(cadre_context, stack)
    cadre = cadre_context.new_page()
    sign_in(cadre, "cadre_shangtang")
    disclosure_id, title = publish_notice(cadre, shots, "cross-node")

    public = phone(js=False).new_page()
    village_url = f"/villages/{VILLAGE}"
    # Both nodes render (and keep) the village page with the first version of the notice.
    served = set()
    for _ in range(8):
        response = public.goto(village_url)
        ok(response)
        assert title in public.inner_text("main")
        served.add(node_of(stack, response))
        if {"A", "B"} <= served:
            break
    assert {"A", "B"} <= served, served

    new_title = title + "（更正）"
    correct_notice(cadre, shots, disclosure_id, new_title)
    corrected_on = watch.last_post(f"/publish/disclosures/{disclosure_id}/publish")
    # Every read from now on, on either node, shows the correction: the first one on the other node too.
    for node, response in _from_other_node(stack, lambda: public.goto(village_url), corrected_on):
        ok(response)
        assert new_title in public.inner_text("main"), f"node {node} still shows the notice before the correction"
    shots(public, "other-node-village-page")


def test_rate_limit_counters_are_kept_in_redis_for_both_nodes(stack, phone, fresh_resident):
    """The nodes count in the shared Redis (docs/deploy.md): a limited phone is limited on every node."""
    import redis

    context = phone(js=False)
    watch = NodeWatch(context, stack)
    page = context.new_page()
    for attempt in range(6):
        ok(page.goto("/complaints/track"))
        if attempt % 2:  # one more request shifts nginx's round robin: the next post goes to the other node
            ok(page.goto("/complaints/track"))
        page.fill("#receipt", "1234 5678 9012 3456 7890")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
    posts = [node for node, path, _ in watch.posts if path.endswith("/complaints/track")]
    assert set(posts) == {"A", "B"}, watch.posts
    client = redis.Redis.from_url(stack.redis_url, socket_timeout=2)
    counters = {k.decode(): client.get(k) for k in client.scan_iter(f"*{stack.rate_limit_prefix}*complaint-track*")}
    client.close()
    per_minute = [int(v) for k, v in counters.items() if k.endswith("/minute") and v is not None]
    assert per_minute == [len(posts)], f"both nodes' {len(posts)} attempts in one Redis counter: {counters}"


def _fetch(stack, path: str, headers: dict) -> tuple[int, dict, bytes]:
    import ssl
    import urllib.error
    import urllib.request

    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    request = urllib.request.Request(stack.base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_public_pages_are_stored_once_in_redis_and_answered_by_both_nodes(stack):
    """The shared page cache (core/page_cache.py): one stored copy in the stack's Redis, the same bytes and
    validators from node A and node B, gzipped by the portal and passed through nginx, 304 from both."""
    import gzip

    import redis

    from stack.conftest import NODE_HEADER

    path = f"/villages/{VILLAGE}"
    answers: dict[str, tuple[dict, bytes]] = {}
    for _ in range(10):
        status, headers, body = _fetch(stack, path, {"Accept-Encoding": "gzip"})
        assert status == 200
        answers.setdefault(stack.node_name(headers.get(NODE_HEADER.lower(), "")), (headers, body))
        if {"A", "B"} <= set(answers):
            break
    assert {"A", "B"} <= set(answers), list(answers)
    (on_a, body_a), (on_b, body_b) = answers["A"], answers["B"]
    assert on_a["content-encoding"] == on_b["content-encoding"] == "gzip"
    assert gzip.decompress(body_a) == gzip.decompress(body_b)
    assert on_a["etag"] == on_b["etag"] and "Accept-Encoding" in on_a["vary"]

    client = redis.Redis.from_url(stack.redis_url, socket_timeout=2)
    stored = [k.decode() for k in client.scan_iter(f"{stack.rate_limit_prefix}:page:page:home.village_show:{VILLAGE}:*")]
    client.close()
    # One language, one text size, one day, HTTPS: one stored page for both nodes.
    assert len([k for k in stored if k.endswith(":https")]) == 1, stored

    nodes = set()
    for _ in range(6):
        status, headers, body = _fetch(stack, path, {"If-None-Match": on_a["etag"], "Accept-Encoding": "gzip"})
        assert status == 304 and body == b""
        nodes.add(stack.node_name(headers.get(NODE_HEADER.lower(), "")))
    assert {"A", "B"} <= nodes
