"""Conflicts of interest at intake: a complaint about township officials goes around the township.

A complaint goes to the county when the resident says it is about township
officials (乡镇干部), when any of its texts names an official the county lists
for the village's township (names and posts, kept in /admin/officials), or
when it names a township handler it would otherwise reach (their account's
display name).
"""
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, literal, select, union_all

from portal.accounts.models import User
from portal.core import permissions
from portal.core.names import names
from portal.extensions import db
from portal.places.models import TownshipOfficial

# "Who is it about?": 村干部 / 乡镇干部 / 不清楚
ABOUT_WHOM = ("village", "township", "unknown")
ABOUT_WHOM_LABELS = {"village": _l("Village cadres"), "township": _l("Township officials"),
                     "unknown": _l("I am not sure")}


@cache
def _names_statement():
    # Built once (intake runs it for every complaint); the township is a parameter.
    township_id = bindparam("township_id")
    officials = select(literal("official_named"), TownshipOfficial.name).where(
        TownshipOfficial.township_id == township_id)
    handlers = select(literal("handler_named"), User.display_name).where(
        permissions.township_handlers_filter(User, township_id))
    return union_all(officials, handlers)


def _names(township_id: int) -> list[tuple[str, str | None]]:
    """(reason, name) of every official the county lists for the township and every handler serving it, in one query."""
    return [tuple(row) for row in db.session.execute(_names_statement(), {"township_id": township_id})]


def conflict_reason(township_id: int, about_whom: str | None, texts) -> str | None:
    """Why the case must go around the township ("chosen", "official_named", "handler_named"), or None."""
    if about_whom == "township":
        return "chosen"
    named = {reason for reason, name in _names(township_id) if names(texts, name)}
    # Officials first: a case naming both an official and a handler reports the official.
    for reason in ("official_named", "handler_named"):
        if reason in named:
            return reason
    return None
