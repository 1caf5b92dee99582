"""The county admin's list of township officials (names and posts), used to route complaints around them."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.names import normalise
from portal.core.text import refuse_hidden
from portal.extensions import db
from portal.places.models import Township, TownshipOfficial

NAME_MAX, POST_MAX = 32, 64


def officials_by_township() -> list[tuple[Township, list[TownshipOfficial]]]:
    """Every township with its listed officials, by code and name."""
    townships = list(db.session.scalars(select(Township).order_by(Township.code)))
    officials = db.session.scalars(select(TownshipOfficial).order_by(TownshipOfficial.id))
    grouped: dict[int, list[TownshipOfficial]] = {}
    for official in officials:
        grouped.setdefault(official.township_id, []).append(official)
    return [(t, grouped.get(t.id, [])) for t in townships]


def _clean(value: str | None, field: str, max_len: int, message) -> str:
    value = " ".join((value or "").split())
    refuse_hidden(field, value)
    if not value:
        raise PortalError(message, field=field)
    if len(value) > max_len:
        raise PortalError(_l("Use at most %(n)s characters.", n=max_len), field=field)
    return value


def add_official(township_code: str | None, name: str | None, post: str | None, actor=None) -> TownshipOfficial:
    """List an official of a township; a complaint that names them goes to the county."""
    code = (township_code or "").strip()
    refuse_hidden("township", code)
    township = db.session.scalar(select(Township).where(Township.code == code)) if code else None
    if township is None:
        raise PortalError(_l("Choose the township."), field="township")
    name = _clean(name, "name", NAME_MAX, _l("Enter the official's name."))
    if len(normalise(name)) < 2:
        raise PortalError(_l("Enter the full name (at least two characters)."), field="name")
    post = _clean(post, "post", POST_MAX, _l("Enter the official's post, e.g. 党委书记."))
    existing = db.session.scalars(select(TownshipOfficial).where(TownshipOfficial.township_id == township.id))
    if any(normalise(o.name) == normalise(name) for o in existing):
        raise PortalError(_l("%(name)s is already listed for this township.", name=name), field="name")
    official = TownshipOfficial(township_id=township.id, name=name, post=post)
    db.session.add(official)
    db.session.flush()
    audit.record("township_official_add", "township_official", official.id, f"{township.code} {post} {name}",
                 user=actor)
    return official


def remove_official(official_id: int, actor=None) -> None:
    """Take an official off the list (e.g. after they left the township)."""
    official = db.session.get(TownshipOfficial, official_id)
    if official is None:
        raise PortalError(_l("That official is no longer listed."))
    audit.record("township_official_remove", "township_official", official.id,
                 f"{official.township.code} {official.post} {official.name}", user=actor)
    db.session.delete(official)
