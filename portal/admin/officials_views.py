"""Admin pages for the list of township officials (乡镇干部) that routes complaints to the county."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import officials_service
from portal.admin.blueprint import bp
from portal.admin.forms import ConfirmForm, OfficialForm
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.places.service import list_townships


def _page(form: OfficialForm, status: int = 200):
    return render_template("admin/official_list.html", form=form, groups=officials_service.officials_by_township(),
                           remove_form=ConfirmForm()), status


@bp.route("/officials", methods=["GET", "POST"])
def official_list():
    """List each township's officials; add one."""
    form = OfficialForm(townships=list_townships())
    if form.validate_on_submit():
        try:
            with write_transaction():
                official = officials_service.add_official(form.township.data, form.name.data, form.post.data,
                                                          actor=current_user._get_current_object())
                name = official.name
        except PortalError as exc:
            show_errors(form, exc)
            return _page(form, 400)
        flash(_("%(name)s is listed. Complaints that name them go to the county.", name=name))
        return redirect(url_for("admin.official_list"), code=303)
    return _page(form, 400 if form.errors else 200)


@bp.post("/officials/<int:official_id>/remove")
def official_remove(official_id: int):
    """Take an official off the list."""
    if ConfirmForm().validate_on_submit():
        try:
            with write_transaction():
                officials_service.remove_official(official_id, actor=current_user._get_current_object())
        except PortalError as exc:
            show_errors(None, exc, redirecting=True)
        else:
            flash(_("The official has been taken off the list."))
    return redirect(url_for("admin.official_list"), code=303)
