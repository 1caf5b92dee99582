"""Township pages: the queue of flagged payment lists and the township's list of deceased persons."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.permissions import can_keep_deceased_list, require
from portal.subsidies import registers, review
from portal.subsidies.blueprint import township_bp as bp
from portal.subsidies.pages import entry_page, remove_entry
from portal.subsidies.rules import RULE_LABELS, anomaly_message


@bp.get("/")
def queue_list():
    done = request.args.get("done") == "1"
    return render_template("subsidies/queue_list.html", reviews=review.queue(current_user, done=done), done=done,
                           waiting=review.waiting_count(current_user), rule_labels=RULE_LABELS,
                           can_keep_deceased=can_keep_deceased_list(current_user))


def _review_page(review_id: int, errors: dict | None = None, note: str = "", status: int = 200):
    item = review.get_review(current_user, review_id)
    return render_template("subsidies/review_show.html", review=item, errors=errors or {}, note=note,
                           rule_labels=RULE_LABELS, message=anomaly_message), status


@bp.get("/<int:review_id>")
def review_show(review_id: int):
    return _review_page(review_id)


@bp.post("/<int:review_id>")
def review_check(review_id: int):
    note = request.form.get("note", "")
    try:
        with write_transaction():
            review.mark_checked(current_user, review.get_review(current_user, review_id), note)
    except PortalError as exc:
        return _review_page(review_id, show_errors(None, exc), note[:2000], 400)
    flash(_("The list is marked as checked."), "success")
    return redirect(url_for(".queue_list"), code=303)


def _deceased_page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    return render_template("subsidies/deceased_list.html", people=registers.deceased_of(current_user.township_id),
                           errors=errors or {}, typed=typed or {}), status


@bp.route("/deceased", methods=["GET", "POST"])
def deceased_list():
    require(can_keep_deceased_list(current_user))
    upload = request.files.get("upload")

    def save(name, id_number, died_on):
        if upload is not None and upload.filename:
            data = upload.stream.read(registers.MAX_UPLOAD_BYTES + 1)
            added, known = registers.import_deceased(current_user, data)
            return _("%(added)d persons added, %(known)d already on the list.", added=added, known=known)
        registers.add_deceased(current_user, name, id_number, died_on)
        return _("The person was added to the list.")

    return entry_page(_deceased_page, save, ".deceased_list", ("name", "id_number", "died_on"))


@bp.post("/deceased/remove")
def deceased_remove():
    require(can_keep_deceased_list(current_user))
    return remove_entry(lambda person_id: registers.remove_deceased(current_user, person_id), "person",
                        _("The person was removed from the list."), ".deceased_list")
