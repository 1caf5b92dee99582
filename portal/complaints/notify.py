"""E-mail to handlers through the outbox; never the complaint's content or the complainant's identity."""
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from portal.accounts.models import User
from portal.complaints.models import Complaint
from portal.core import mail, permissions
from portal.core.labels import label
from portal.core.roles import Level
from portal.core.urls import public_base_url
from portal.extensions import db

_muted: ContextVar[bool] = ContextVar("complaint_mail_muted", default=False)


@contextmanager
def muted():
    """Queue no mail inside the block (loading demo history must not e-mail anyone)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    """True inside ``muted()``: nothing is queued for anyone (mail or text)."""
    return _muted.get()


def _with_address(who, *columns):
    """The staff ``who`` selects who have an e-mail address, in a stable order."""
    return select(*columns).where(who, User.email.is_not(None), User.email != "").order_by(User.id)


def _holders(complaint: Complaint, *columns):
    """The case's holders with an e-mail address (permissions.case_holders_filter says who holds it)."""
    return _with_address(permissions.case_holders_filter(complaint, User), *columns)


@cache
def _unit_addresses(level: str):
    # Built once per level: every complaint filed runs it.
    return _with_address(permissions.unit_handlers_filter(level, bindparam("township_id"), User), User.email)


def handlers_of(complaint: Complaint) -> list[User]:
    """Active handlers of the case's handling unit who have an e-mail address (recused ones excluded)."""
    return list(db.session.scalars(_holders(complaint, User)))


def holder_addresses(complaint: Complaint) -> list[str]:
    """The e-mail addresses of ``handlers_of(complaint)``, read without loading the accounts."""
    return list(db.session.scalars(_holders(complaint, User.email)))


def unit_addresses(level: str, township_id: int | None = None) -> list[str]:
    """The e-mail addresses of a handling unit's active handlers: whom a case filed there reaches first."""
    params = {"township_id": township_id} if level != Level.COUNTY else {}
    return list(db.session.scalars(_unit_addresses(level), params))


def _send(addresses: list[str], complaint: Complaint, subject_text, reason_text,
          village_name: str | None = None) -> int:
    if _muted.get():
        return 0
    base = public_base_url()
    # Staff mail is in the portal's default language, whatever the complainant's browser used.
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_Hans_CN")):
        subject = subject_text() + f" {complaint.case_number}"
        if village_name is None:
            village_name = complaint.village.name if complaint.village else ""
        body = "\n".join([
            reason_text(),
            "",
            _("Case: %(number)s", number=complaint.case_number),
            _("Village: %(village)s", village=village_name),
            _("Category: %(category)s", category=label("complaint_category", complaint.category)),
            _("Status: %(status)s", status=label("status", complaint.status)),
            "",
            _("Open the case (sign-in required): %(url)s", url=f"{base}/triage/{complaint.case_number}"),
        ])
    return mail.enqueue_all(addresses, subject, body)


def new_case(complaint: Complaint, addresses: list[str] | None = None, village_name: str | None = None) -> int:
    """Tell the handling unit about a case that has arrived in its inbox.

    Intake reads the addresses and the village's name before it takes the write lock and passes them in.
    """
    return _send(holder_addresses(complaint) if addresses is None else addresses, complaint,
                 lambda: _("New complaint"), lambda: _("A complaint has arrived in your inbox."), village_name)


def resident_update(complaint: Complaint) -> int:
    """Tell the handling unit that the complainant answered, added information, rated or asked for review."""
    return _send(holder_addresses(complaint), complaint, lambda: _("Complainant update"),
                 lambda: _("The complainant added something to a case you handle."))


def escalated(complaint: Complaint) -> int:
    """Tell the county handlers that a case was sent up to them."""
    return _send(unit_addresses(Level.COUNTY), complaint, lambda: _("Case sent to the county"),
                 lambda: _("A case was sent to the county: %(reason)s.",
                           reason=label("escalation_reason", complaint.escalation_reason)))


def overdue(complaint: Complaint, due) -> int:
    """Tell the county handlers that a case is past its deadline."""
    return _send(unit_addresses(Level.COUNTY), complaint, lambda: _("Overdue case"),
                 lambda: _("This case passed its deadline of %(due)s.", due=due.isoformat()))
