"""Admin page: the county's standard amount per subsidy item (the over-standard rule on payment lists)."""
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin.blueprint import bp
from portal.core.permissions import can_set_subsidy_standards, require
from portal.subsidies import registers
from portal.subsidies.pages import entry_page, remove_entry


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    return render_template("admin/subsidy_standards.html", standards=registers.standards(), errors=errors or {},
                           typed=typed or {}), status


@bp.route("/subsidy-standards", methods=["GET", "POST"])
def subsidy_standards():
    require(can_set_subsidy_standards(current_user))

    def save(item, max_amount, note):
        registers.set_standard(current_user, item, max_amount, note)
        return _("The standard was saved.")

    return entry_page(_page, save, ".subsidy_standards", ("item", "max_amount", "note"), typed_max=255)


@bp.post("/subsidy-standards/remove")
def subsidy_standard_remove():
    require(can_set_subsidy_standards(current_user))
    return remove_entry(lambda standard_id: registers.remove_standard(current_user, standard_id), "standard",
                        _("The standard was removed."), ".subsidy_standards")
