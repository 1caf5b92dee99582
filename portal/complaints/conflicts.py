"""Conflicts of interest at intake: a complaint about township officials goes around the township.

A complaint goes to the county when the resident says it is about township
officials (乡镇干部), when any of its texts names an official the county lists
for the village's township (names and posts, kept in /admin/officials), or
when it names a township handler it would otherwise reach (their account's
display name).
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.core import permissions
from portal.core.names import names
from portal.extensions import db
from portal.places.models import TownshipOfficial

# "Who is it about?": 村干部 / 乡镇干部 / 不清楚
ABOUT_WHOM = ("village", "township", "unknown")
ABOUT_WHOM_LABELS = {"village": _l("Village cadres"), "township": _l("Township officials"),
                     "unknown": _l("I am not sure")}
def officials_named(township_id: int, texts) -> list[TownshipOfficial]:
    officials = db.session.scalars(select(TownshipOfficial).where(TownshipOfficial.township_id == township_id))
    return [o for o in officials if names(texts, o.name)]


def handlers_named(township_id: int, texts) -> list[User]:
    handlers = db.session.scalars(select(User).where(permissions.township_handlers_filter(User, township_id)))
    return [u for u in handlers if names(texts, u.display_name)]


def conflict_reason(township_id: int, about_whom: str | None, texts) -> str | None:
    """Why the case must go around the township ("chosen", "official_named", "handler_named"), or None."""
    if about_whom == "township":
        return "chosen"
    if officials_named(township_id, texts):
        return "official_named"
    if handlers_named(township_id, texts):
        return "handler_named"
    return None
