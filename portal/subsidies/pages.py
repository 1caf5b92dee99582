"""What the register pages share (standards, declared relatives, deceased persons): an entry refused
with its messages beside the fields and what was typed kept; a removal that says when the row was gone."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.subsidies.registers import row_id


def entry_page(page, save, endpoint: str, fields: tuple[str, ...], typed_max: int = 40):
    """Show the page; on a POST run save(*the posted fields), which returns the message to show.

    Saved: the message and back to the list. Refused: page(errors, typed, 400), each message beside its field.
    """
    if request.method == "GET":
        return page()
    try:
        with write_transaction():
            message = save(*(request.form.get(name) for name in fields))
    except PortalError as exc:
        typed = {name: (request.form.get(name) or "")[:typed_max] for name in fields}
        return page(show_errors(None, exc), typed, 400)
    flash(message, "success")
    return redirect(url_for(endpoint), code=303)


def remove_entry(remove, field: str, done: str, endpoint: str):
    """Remove the row whose id the form sends in field; say so, or that it no longer exists."""
    entry_id = row_id(request.form.get(field))
    with write_transaction():
        removed = entry_id is not None and remove(entry_id)
    flash(done if removed else _("That entry no longer exists."), "success" if removed else "error")
    return redirect(url_for(endpoint), code=303)
