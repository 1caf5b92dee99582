"""The outbox as the county admin sees it: what waits, and what was given up on (never the bodies)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.admin.blueprint import bp
from portal.admin.forms import ConfirmForm
from portal.core import mail, sms
from portal.core.db import write_transaction


@bp.get("/mail")
def mail_list():
    """Count waiting and dead messages; list the dead ones with their last error."""
    return render_template("admin/mail_list.html", counts=mail.outbox_counts(), dead=mail.dead_letters(),
                           sms_counts=sms.outbox_counts(), sms_dead=sms.dead_letters(), form=ConfirmForm())


@bp.post("/mail/<int:message_id>/retry")
def mail_retry(message_id: int):
    """Give a dead message a fresh set of attempts (after the mail server was fixed)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with write_transaction():
        found = mail.requeue(message_id)
    if not found:
        abort(404)
    flash(_("The message is queued again and will be sent within a minute."))
    return redirect(url_for("admin.mail_list"))


@bp.post("/mail/sms/<int:message_id>/retry")
def sms_retry(message_id: int):
    """Give a dead text message a fresh set of attempts (after the gateway was fixed)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with write_transaction():
        found = sms.requeue(message_id)
    if not found:
        abort(404)
    flash(_("The text message is queued again and will be sent within a minute."))
    return redirect(url_for("admin.mail_list"))
