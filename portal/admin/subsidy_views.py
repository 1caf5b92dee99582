"""Admin page: the county's standard amount per subsidy item (the over-standard rule on payment lists)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.blueprint import bp
from portal.core.db import write_transaction
from portal.core.permissions import can_set_subsidy_standards, require
from portal.subsidies import registers


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    return render_template("admin/subsidy_standards.html", standards=registers.standards(), errors=errors or {},
                           typed=typed or {}), status


@bp.route("/subsidy-standards", methods=["GET", "POST"])
def subsidy_standards():
    require(can_set_subsidy_standards(current_user))
    if request.method == "GET":
        return _page()
    try:
        with write_transaction():
            registers.set_standard(current_user, request.form.get("item"), request.form.get("max_amount"),
                                   request.form.get("note"))
    except registers.RegisterError as exc:
        typed = {k: (request.form.get(k) or "")[:255] for k in ("item", "max_amount", "note")}
        return _page(exc.errors, typed, 400)
    flash(_("The standard was saved."), "success")
    return redirect(url_for(".subsidy_standards"), code=303)


@bp.post("/subsidy-standards/remove")
def subsidy_standard_remove():
    require(can_set_subsidy_standards(current_user))
    standard_id = registers.row_id(request.form.get("standard"))
    with write_transaction():
        done = standard_id is not None and registers.remove_standard(current_user, standard_id)
    flash(_("The standard was removed.") if done else _("That entry no longer exists."), "success" if done else "error")
    return redirect(url_for(".subsidy_standards"), code=303)
