"""The cadre's own page: declare close relatives (近亲属备案) so payment lists to them are flagged."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.db import write_transaction
from portal.subsidies import registers
from portal.subsidies.blueprint import relatives_bp as bp
from portal.subsidies.models import RELATIONS
from portal.subsidies.rules import RELATION_LABELS


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    return render_template("subsidies/relatives_list.html", relatives=registers.relatives_of(current_user),
                           relations=RELATIONS, relation_labels=RELATION_LABELS, errors=errors or {},
                           typed=typed or {}), status


@bp.route("/", methods=["GET", "POST"])
def relatives_list():
    if request.method == "GET":
        return _page()
    try:
        with write_transaction():
            registers.declare_relative(current_user, request.form.get("name"), request.form.get("relation"),
                                       request.form.get("id_number"))
    except registers.RegisterError as exc:
        typed = {k: (request.form.get(k) or "")[:40] for k in ("name", "relation", "id_number")}
        return _page(exc.errors, typed, 400)
    flash(_("The relative was declared."), "success")
    return redirect(url_for(".relatives_list"), code=303)


@bp.post("/withdraw")
def relative_withdraw():
    relative_id = registers.row_id(request.form.get("relative"))
    with write_transaction():
        done = relative_id is not None and registers.withdraw_relative(current_user, relative_id)
    flash(_("The declaration was withdrawn.") if done else _("That entry no longer exists."),
          "success" if done else "error")
    return redirect(url_for(".relatives_list"), code=303)
