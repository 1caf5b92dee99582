"""One rule for hidden characters: every form, complaints and publishing alike, refuses them with one message."""
import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, StringField

from hardening.conftest import changes
from hardening.formkit import flatten, urlencoded
from hardening.targets import TARGETS, Env
from portal.core.forms import PortalForm, TextRulesMeta
from portal.core.text import HIDDEN_MESSAGE
from portal.extensions import db
from tests.hardening.test_fuzz_forms import arm

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

# Zero-width space (splits a word, invisible) and right-to-left override (makes "exe.txt" read "txt.exe").
HIDDEN = ["\u200b", "\u202e"]
TEXT_KINDS = ("text", "textarea", "search", "tel", "email", "url", "password")
ONE_LINE = "路灯不亮"
# A receipt is a code, not text: any receipt that matches no case gets the one uniform "not found", so that
# an answer never tells a guessed receipt from a real one.
CODE_LOOKUPS = {"complaints.track_show"}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _portal_forms(base):
    return sorted({c for c in _all_subclasses(base) if c.__module__.startswith("portal.")},
                  key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _message(locale="zh_Hans_CN") -> str:
    with force_locale(locale):
        return str(HIDDEN_MESSAGE)


def _text_fields(form):
    """Every text field of a form, also those inside repeated sub-forms."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                yield from _text_fields(entry.form) if isinstance(entry, FormField) else [entry]
        elif isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, StringField) and field.type != "CSRFTokenField":
            yield field


def test_every_form_of_the_portal_stands_on_the_base_form(app):
    """A form on FlaskForm or a bare sub-form would skip the rule: none may."""
    stray = [c for c in _portal_forms(FlaskForm) if not issubclass(c, PortalForm)]
    stray += [c for c in _portal_forms(Form) if not issubclass(c, FlaskForm)
              and not issubclass(c.Meta, TextRulesMeta)]
    assert not stray, f"forms outside the text rule: {stray}"
    assert len(_portal_forms(PortalForm)) > 30  # the walk below really sees the portal's forms


@pytest.mark.parametrize("char", HIDDEN, ids=["U+200B", "U+202E"])
def test_every_text_field_of_every_form_refuses_the_character_with_one_message(app, char):
    walked = 0
    with app.test_request_context(method="POST"):
        for cls in _portal_forms(Form):
            blank = cls(formdata=None, meta={"csrf": False})
            names = [f.name for f in _text_fields(blank)]
            if not names:
                continue
            form = cls(formdata=MultiDict({n: f"路灯{char}不亮" for n in names}), meta={"csrf": False})
            for field in _text_fields(form):  # the text fields alone: some choices are set by their views
                field.validate(form)
                walked += 1
                assert field.errors and str(field.errors[0]) == _message(), \
                    f"{cls.__module__}.{cls.__qualname__}.{field.name}: {field.errors}"
                assert len(field.errors) == 1, f"{cls.__qualname__}.{field.name}: {field.errors}"
    assert walked > 100


def _text_field(form, target):
    """The text field to spoil: the first the valid submission fills, else the first on the page."""
    kinds = {name: form.kind_of(name) for name in form.names()}
    texts = [n for n, kind in kinds.items() if kind in TEXT_KINDS and n != "csrf_token"]
    filled = [n for n in texts if n.split("-", 1)[-1] in target.valid]
    return (filled or texts or [None])[0]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_every_post_form_refuses_hidden_characters_with_one_message(app, client, login_as, snapshot, target):
    """Complaints, publishing and every staff form: posted as a browser would, refused alike, nothing stored."""
    env = Env(app, client, login_as)
    state, url, rule, form, token = arm(app, env, target)
    name = _text_field(form, target)
    if name is None or target.id in CODE_LOOKUPS:
        pytest.skip("this form has no text to type")
    for char in HIDDEN:
        values = dict(form.defaults())
        values.pop("csrf_token", None)
        for key, value in target.valid.items():
            values[next((n for n in form.names() if n.split("-", 1)[-1] == key and n != key), key)] = value
        values.pop("row_action", None)  # the editor's add-a-row button: the main button submits
        typed = values.get(name) or ONE_LINE
        values[name] = typed[:1] + char + typed[1:]
        before = snapshot()
        body = urlencoded([("csrf_token", token), *flatten(values)])
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        db.session.remove()
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 400, 422), (target.id, name, response.status_code, html[:2000])
        assert _message() in html, f"{target.id}: {name} with {char!r} not refused with the one message"
        assert changes(before, snapshot()) == {}, f"{target.id}: refused, yet stored"
        env.sign_in(target.role)
        if target.prepare:
            target.prepare(env, state)


def test_the_api_refuses_hidden_characters_with_the_same_message(client):
    from demo_ids import VILLAGE

    body = {"village": VILLAGE, "category": "integrity", "about": "村\u200b主任",
            "description": "村里的路灯坏了三个月，村委会一直说没有经费修理，晚上老人出门很危险。"}
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"]["about"] == [_message()]
    client.set_cookie("lang", "en")
    english = client.post("/api/v1/complaints", json={**body, "about": "村主任\u202e"})
    assert english.get_json()["errors"]["about"] == [_message("en")]
