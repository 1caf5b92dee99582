"""The cadre's own page: declare close relatives (近亲属备案) so payment lists to them are flagged."""
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.subsidies import registers
from portal.subsidies.blueprint import relatives_bp as bp
from portal.subsidies.models import RELATIONS
from portal.subsidies.pages import entry_page, remove_entry
from portal.subsidies.rules import RELATION_LABELS


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    return render_template("subsidies/relatives_list.html", relatives=registers.relatives_of(current_user),
                           relations=RELATIONS, relation_labels=RELATION_LABELS, errors=errors or {},
                           typed=typed or {}), status


@bp.route("/", methods=["GET", "POST"])
def relatives_list():
    def save(name, relation, id_number):
        registers.declare_relative(current_user, name, relation, id_number)
        return _("The relative was declared.")

    return entry_page(_page, save, ".relatives_list", ("name", "relation", "id_number"))


@bp.post("/withdraw")
def relative_withdraw():
    return remove_entry(lambda relative_id: registers.withdraw_relative(current_user, relative_id), "relative",
                        _("The declaration was withdrawn."), ".relatives_list")
