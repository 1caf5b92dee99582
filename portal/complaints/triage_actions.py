"""Handler actions on a case: one POST endpoint, one service call per action."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.complaints import casefile, handling, leads, routing, workflow
from portal.complaints.blueprint import triage_bp as bp
from portal.complaints.forms import ActionForm
from portal.complaints.triage import render_case, render_review
from portal.core import permissions
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.roles import Status

ACTIONS = {
    "accept": lambda c, u, f: workflow.transition(c, Status.ACCEPTED, u),
    "decline": lambda c, u, f: workflow.transition(c, Status.DECLINED, u, reply=f.reply.data),
    "transfer": lambda c, u, f: workflow.transition(c, Status.TRANSFERRED, u, transferred_to=f.transferred_to.data,
                                                    reply=f.reply.data),
    "start": lambda c, u, f: workflow.transition(c, Status.IN_PROGRESS, u, disposal_mode=f.disposal_mode.data),
    "conclude": lambda c, u, f: workflow.transition(c, Status.CONCLUDED, u, finding=f.finding.data,
                                                    disposal_mode=f.disposal_mode.data, reply=f.reply.data,
                                                    clarification=f.clarification.data),
    "extend": lambda c, u, f: workflow.extend(c, u, f.days.data, f.reason.data),
    "note": lambda c, u, f: handling.add_note(c, u, f.note.data),
    "message": lambda c, u, f: handling.send_message(c, u, f.body.data),
    "question": lambda c, u, f: handling.send_message(c, u, f.body.data, question=True),
    "escalate": lambda c, u, f: routing.escalate(c, u, f.reason.data),
    "recuse": lambda c, u, f: routing.recuse(c, u, f.reason.data),
    "assign": lambda c, u, f: routing.assign_to_township(c, u, f.note.data),
    "link": lambda c, u, f: leads.link(c, u, f.other.data),
    "unlink": lambda c, u, f: leads.unlink(c, u, f.other.data),
}
# Fields each action's texts are reported under (services name them; the page prefixes the action).
FIELD_ALIASES = {"body": {"note": "note"}}
# What each action did, said plainly: who can now see what.
DONE = {
    "accept": _l("The case is accepted. The complainant sees “accepted” with the receipt code."),
    "decline": _l("The case is not accepted. The complainant reads your reason with the receipt code."),
    "transfer": _l("The case is transferred. The complainant reads where it went and your reply."),
    "start": _l("Handling has started. The complainant sees “being handled”."),
    "conclude": _l("The case is concluded and the reply is published to the complainant, who can now rate it."),
    "extend": _l("The deadline is extended. The complainant sees the new deadline."),
    "note": _l("The internal note is saved. The complainant never sees it."),
    "message": _l("The message is sent. The complainant sees it with the receipt code."),
    "question": _l("The question is sent. The complainant sees it with the receipt code and can answer there."),
    "escalate": _l("The case is sent to the county and has left your inbox."),
    "recuse": _l("You have recused yourself. The case went to the county and has left your inbox."),
    "assign": _l("The case is assigned to the township."),
    "link": _l("The two cases are now one lead."),
    "unlink": _l("The case is no longer shown in this lead."),
}


@bp.post("/<case_number>/act")
def case_act(case_number: str):
    form = ActionForm()
    action = form.action.data if form.action.data in ACTIONS else None
    try:
        if action == "conclude" and form.confirm.data == "back":
            # Back from the review: the case page with what was typed still in the conclude form.
            return render_case(case_number, form=form)
        if action == "conclude" and form.confirm.data != "1":
            # 办结 cannot be undone and publishes the reply: show it as the complainant will read it first.
            complaint = casefile.get_readable(case_number, current_user)
            values = workflow.check(complaint, Status.CONCLUDED, current_user, finding=form.finding.data,
                                    disposal_mode=form.disposal_mode.data, reply=form.reply.data,
                                    clarification=form.clarification.data)
            return render_review(complaint, values, form)
        with write_transaction():
            complaint = casefile.get_readable(case_number, current_user)
            if action is None:
                raise PortalError(_("Choose an action."))
            if action != "recuse" and permissions.must_recuse(current_user, complaint):
                raise PortalError(_("This case names you. You can only recuse from it."))
            ACTIONS[action](complaint, current_user, form)
            still_readable = permissions.can_read_complaint(current_user, complaint)
    except PortalError as exc:
        errors = show_errors(None, exc, prefix=f"{action}-", rename={k: _alias(action, k) for k in exc.errors})
        return render_case(case_number, errors=errors, form=form, status=400)
    flash(str(DONE[action]), "success")
    if not still_readable:
        # Recused or sent up: the case has left this handler's inbox.
        return redirect(url_for("triage.inbox_list"), code=303)
    return redirect(url_for("triage.case_show", case_number=case_number), code=303)


def _alias(action: str | None, field: str) -> str:
    return FIELD_ALIASES.get(field, {}).get(action or "", field)

