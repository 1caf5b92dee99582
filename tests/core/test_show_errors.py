"""One error type from the services, one way onto a form: beside its field, the rest at the top."""
from wtforms import StringField

from portal.core.errors import Errors, PortalError
from portal.core.forms import PortalForm, show_errors


class NoteForm(PortalForm):
    title = StringField()
    body = StringField()


def _form(app):
    with app.test_request_context("/", method="POST"):
        return NoteForm(meta={"csrf": False})


def test_a_single_refusal_names_its_field(app):
    refused = PortalError("Give it a title.", field="title")
    assert refused.message == "Give it a title." and refused.field == "title"
    assert refused.errors == {"title": ["Give it a title."]}
    form = _form(app)
    assert show_errors(form, refused) == {"title": ["Give it a title."]}
    assert form.title.errors == ["Give it a title."] and form.form_errors == []


def test_a_refusal_without_a_field_goes_to_the_top(app):
    form = _form(app)
    assert show_errors(form, PortalError("Choose an action.")) == {"form": ["Choose an action."]}
    assert form.form_errors == ["Choose an action."]
    assert not form.title.errors and not form.body.errors


def test_messages_for_several_fields_each_land_beside_their_field(app):
    errors = Errors()
    errors.add("body", "Write at least 2 characters.")
    errors.add("title", "Give it a title.")
    errors.add("unknown", "Something else is wrong.")
    refused = PortalError(errors=errors)
    assert refused.field == "body" and refused.message == "Write at least 2 characters."
    form = _form(app)
    shown = show_errors(form, refused)
    assert form.body.errors == ["Write at least 2 characters."]
    assert form.title.errors == ["Give it a title."]
    # A field the form does not have is summarised at the top rather than lost.
    assert form.form_errors == ["Something else is wrong."]
    assert shown == {"body": ["Write at least 2 characters."], "title": ["Give it a title."],
                     "unknown": ["Something else is wrong."]}


def test_pages_laid_out_by_hand_get_prefixed_and_renamed_keys():
    refused = PortalError(errors={"reason": ["Say why."], "": ["Not now."]})
    shown = show_errors(None, refused, prefix="review-", rename={"reason": "body"})
    assert shown == {"review-body": ["Say why."], "review-form": ["Not now."]}
