"""Every POST form, filled with hostile values: never a 500, a clear message, and nothing stored when refused."""
import re
import zlib
from urllib.parse import urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from hardening import hostile
from hardening.conftest import changes
from hardening.formkit import csrf_token, flatten, has_traceback, multipart, post_forms, shows_message, urlencoded
from hardening.targets import TARGETS, Env
from portal.extensions import db

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

EXAMPLES = 8
# Field names a client may invent: digits that are not ASCII, huge numbers, brackets, NUL.
NAME_SUFFIXES = ["²", "①", "١", "999999999999", "-1", "[]", "[0]", "\x00", " ", "\u202e"]
ODD_NAMES = ["", "x" * 2000, "\x00", "csrf_token", "__class__", "{{7*7}}", "../x", "\u202e"]
# No shrinking: the first failing input is reported as drawn, which keeps a failing run short.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])


def post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/")]


def test_every_post_endpoint_has_a_fuzz_target(app):
    """A new POST endpoint must join the targets (with its role and state), or this fails."""
    assert {r.endpoint for r in post_rules(app)} == {t.endpoint for t in TARGETS}


def _url(app, target, state):
    rule = next(r for r in app.url_map.iter_rules(target.endpoint) if "POST" in r.methods)
    with app.test_request_context():
        return url_for(target.endpoint, **{name: state[name] for name in rule.arguments}), rule


def _candidates(url: str, rule) -> list[str]:
    """The URL itself (when it has a page), then its parents: /triage/X/act is posted from /triage/X."""
    parts = url.rstrip("/").split("/")
    parents = ["/".join(parts[:n]) for n in range(len(parts) - 1, 1, -1)]
    return ([url] if "GET" in rule.methods else []) + [p for parent in parents for p in (parent, parent + "/")]


def find_form(env, target, state, url, rule):
    """Load the page holding the form that posts to url; return (form, html) or (None, None)."""
    pages = [target.page(env, state)] if target.page else \
        ((c, r.get_data(as_text=True)) for c in _candidates(url, rule) for r in [env.client.get(c)]
         if r.status_code == 200)  # lazily: stop at the first page that has the form
    path = urlsplit(url).path
    for page_url, html in pages:
        forms = [f for f in post_forms(html, page_url) if f.action == path and (target.pick is None or target.pick(f))]
        if forms:
            return forms[0], html
    return None, None


def hostile_body(data, form, valid: dict):
    """Draw a submission: the valid one with one to three fields spoiled, maybe an invented field or two."""
    values = dict(form.defaults())
    values.pop("csrf_token", None)  # sent first, separately
    names = [n for n in form.names() if n != "csrf_token"]
    for name, value in valid.items():
        values[name] = value
        for prefixed in (n for n in names if n.split("-", 1)[-1] == name and n != name):
            values[prefixed] = value  # forms repeated on a page carry a prefix (p12-note)
    files = {n for n in names if form.kind_of(n) == "file"}
    if names and data.draw(st.integers(0, 3), label="taint all") == 0:
        suffix = data.draw(st.sampled_from(hostile.SUFFIXES), label="suffix")
        for name in names:
            if name not in files and form.kind_of(name) not in ("hidden", "select", "radio", "checkbox", "button"):
                values[name] = _append(values.get(name, ""), suffix)
    else:
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)) if names else []:
            values[name] = data.draw(hostile.file_values if name in files else hostile.form_values, label=name)
    if not names or data.draw(st.integers(0, 3)) == 0:
        invented = data.draw(st.one_of(st.sampled_from(ODD_NAMES), st.builds(
            str.__add__, st.sampled_from(names or ["field"]), st.sampled_from(NAME_SUFFIXES))), label="invented")
        values[invented] = data.draw(hostile.form_values, label="invented value")
    pairs = flatten(values)
    as_multipart = form.multipart != (data.draw(st.integers(0, 7)) == 0)  # now and then the other encoding
    if as_multipart or any(isinstance(v, hostile.HostileFile) for _, v in pairs):
        return multipart(pairs)
    return urlencoded([(k, v) for k, v in pairs if not isinstance(v, hostile.HostileFile)]), \
        "application/x-www-form-urlencoded"


def _append(value, suffix):
    if isinstance(suffix, bytes) or isinstance(value, bytes):
        return (value if isinstance(value, bytes) else str(value).encode()) + \
            (suffix if isinstance(suffix, bytes) else suffix.encode())
    return f"{value}{suffix}"


def judge(target, response, before, after) -> None:
    """Never a 500 or a traceback; a refusal says why and stores nothing."""
    status, text = response.status_code, response.get_data(as_text=True)
    assert status < 500, text[:3000]
    assert not has_traceback(text), text[:3000]
    assert "<NUL stored in>" not in after, f"stored a NUL character (PostgreSQL refuses it): {after['<NUL stored in>']}"
    if 300 <= status < 400:
        return  # accepted (or sent back with a flashed note): fine
    if status == 200 and target.success and re.search(target.success, text):
        return  # this form's success page
    message = shows_message(text)
    if status == 200 and target.success == "" and not message:
        return  # a success page without a marker of its own: anything but an error
    assert message, f"{status} without a message saying what is wrong:\n{text[:3000]}"
    assert changes(before, after) == {}, f"refused with {status}, yet stored: {changes(before, after)}"


def arm(app, env, target):
    """Set up the target's state, sign in, and find its form: (state, url, rule, form, token)."""
    state = dict(target.params)
    if target.setup:
        state.update(target.setup(env) or {})
    url, rule = _url(app, target, state)
    env.sign_in(target.role)
    if target.prepare:
        target.prepare(env, state)
    form, html = find_form(env, target, state, url, rule)
    assert form is not None, f"no form posting to {url} found for {target.id}"
    return state, url, rule, form, csrf_token(html)


def send(client, url, body, content_type, token):
    response = client.post(url, data=_with_token(body, content_type, token), content_type=content_type)
    db.session.remove()  # as at the end of a real request: nothing uncommitted survives
    return response


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_hostile_form_input_is_refused_cleanly(app, client, login_as, snapshot, tally, target):
    env = Env(app, client, login_as)
    state, url, rule, base, token = arm(app, env, target)
    current = {"form": base, "token": token, "stale": False}

    @FUZZ
    @seed(zlib.crc32(target.id.encode()))  # reproducible, yet each form gets its own inputs
    @given(data=st.data())
    def attack(data):
        env.sign_in(target.role)
        if target.prepare:
            target.prepare(env, state)
        if current["stale"] or target.page:
            # Something was accepted (or each try needs its own page): read the form again.
            form, page = find_form(env, target, state, url, rule)
            current.update(form=form or base, token=csrf_token(page or "") or current["token"], stale=False)
        body, content_type = hostile_body(data, current["form"], target.valid)
        before = snapshot()
        response = send(client, url, body, content_type, current["token"])
        tally.record(target.endpoint, response.status_code, target.variant)
        current["stale"] = response.status_code < 400
        judge(target, response, before, snapshot())

    attack()


# What the fuzzing found, kept as fixed cases: 500s on digits that are not ASCII, NUL stored (a 500 on
# PostgreSQL), refusals whose message was lost because the form had left the page.
FOUND = [
    ("polls.vote[vote]", [{"option": "①"}]),
    ("evaluation.ballot[vote]", [{"report_²": "satisfied"}]),
    ("powers_manage.power_edit", [{"risks": "²|高|风险|控制"}]),
    ("admin.township_edit", [{"discipline_secretary": "赵\x00敏"}]),
    ("admin.village_edit", [{"name": "上塘\x00村"}]),
    ("admin.account_edit", [{"display_name": "吴\x00志强"}]),
    ("powers_county.template_edit", [{"title": "村级\x00决策"}]),
    ("triage.case_act[recuse]", [{"reason": "与被反映人\x00是亲属"}]),
    ("triage.case_act[escalate]", [{"reason": "涉及镇干部\x00请县里办理"}]),
    ("polls.proposal_new", [{"title": "路灯\x00不亮"}]),
    ("polls.poll_new", [{"title": "十件事\x00"}]),
    ("polls.progress_post", [{"note": "已修复\x00"}, {"note": "已修复", "solved": "y"}, {"note": ""}]),
    ("polls.option_moderate", [{"note": "\x00"}, {"action": "accept"}, {"into": "x"}]),
]


@pytest.mark.parametrize("target_id, steps", FOUND, ids=[f[0] for f in FOUND])
def test_what_the_fuzzing_found_stays_fixed(app, client, login_as, snapshot, target_id, steps):
    target = next(t for t in TARGETS if t.id == target_id)
    env = Env(app, client, login_as)
    state, url, rule, form, token = arm(app, env, target)
    for changes_ in steps:
        values = dict(form.defaults())
        values.pop("csrf_token", None)
        names = form.names()
        for name, value in {**target.valid, **changes_}.items():
            values[next((n for n in names if n.split("-", 1)[-1] == name and n != name), name)] = value
        before = snapshot()
        response = send(client, url, urlencoded(flatten(values)), "application/x-www-form-urlencoded", token)
        judge(target, response, before, snapshot())
        env.sign_in(target.role)
        if target.page:
            form, html = find_form(env, target, state, url, rule)
            token = csrf_token(html)


def _with_token(body: bytes, content_type: str, token: str) -> bytes:
    """Put the page's CSRF token first; a field of the same name drawn later stays (and may spoil it)."""
    if content_type.startswith("multipart/"):
        boundary = content_type.split("boundary=", 1)[1].encode()
        return (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' +
                token.encode() + b"\r\n" + body)
    return b"csrf_token=" + token.encode() + (b"&" + body if body else b"")
