"""What the cadre's publish and discard buttons answer, for every record kept as drafts (disclosures, duty reports)."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors


def publish_answer(publish, refused_page, preview_url: str):
    """Run publish() in a write transaction (it returns the new revision) and answer the button.

    refused_page(exc) answers a refusal the page shows itself (a message beside a field of the
    draft's form); it returns None for any other, which is shown at the top of the preview.
    """
    try:
        with write_transaction():
            number = publish().number
    except PortalError as exc:
        page = refused_page(exc)
        if page is not None:
            return page
        show_errors(None, exc, redirecting=True)
        return redirect(preview_url)
    flash(_("Published as revision %(n)d.", n=number), "success")
    return redirect(preview_url)


def discard_answer(discard, preview_url: str):
    """Run discard() in a write transaction and say what it did.

    discard() returns True when a never-published draft was deleted (on to the dashboard), False when
    a correction was dropped (back to the published record's preview).
    """
    with write_transaction():
        deleted = discard()
    flash(_("The draft was deleted.") if deleted else _("The correction was dropped."), "success")
    return redirect(url_for("home_manage.dashboard_show") if deleted else preview_url)
