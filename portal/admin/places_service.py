"""The county admin's rules for townships and villages (codes, names, phones)."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.core import audit
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.text import refuse_hidden
from portal.extensions import db
from portal.places.models import Township, Village
from portal.places.search import pinyin_of
from portal.places.service import the_county, touch_village

PHONE_RE = re.compile(r"^[0-9+()\-\s;；,，/、]{3,64}$")


def _text(value: str | None, field: str, required: bool = True, max_len: int = 64) -> str | None:
    value = (value or "").strip()
    refuse_hidden(field, value)
    if not value:
        if required:
            raise PortalError(_l("This field cannot be empty."), field=field)
        return None
    if len(value) > max_len:
        raise PortalError(_l("Use at most %(n)s characters.", n=max_len), field=field)
    return value


def _phone(value: str | None, field: str) -> str | None:
    value = (value or "").strip()
    if value and not PHONE_RE.match(value):
        raise PortalError(_l("Enter phone numbers with digits and dashes, e.g. 0571-12345678; separate several "
                             "with ';'."), field=field)
    return value or None


def _code(value: str | None, digits: int, prefix: str, field: str) -> str:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) == digits):
        raise PortalError(_l("The code must have exactly %(n)s digits.", n=digits), field=field)
    if not value.startswith(prefix):
        raise PortalError(_l("The code must start with %(prefix)s, the code of the place above it.", prefix=prefix),
                          field=field)
    return value


def create_township(code: str, name: str, *, hotline=None, discipline_secretary=None, liaison_cadre=None,
                    actor=None) -> Township:
    """Add a township under the county; its code is the county code plus 3 digits."""
    county = the_county()
    code = _code(code, 9, county.code, "code")
    if db.session.scalar(select(Township.id).where(Township.code == code)) is not None:
        raise PortalError(_l("A township with this code already exists."), field="code")
    township = Township(code=code, county=county, name=_text(name, "name"), hotline=_phone(hotline, "hotline"),
                        discipline_secretary=_text(discipline_secretary, "discipline_secretary", False),
                        liaison_cadre=_text(liaison_cadre, "liaison_cadre", False))
    db.session.add(township)
    db.session.flush()
    audit.record("township_create", "township", township.code, township.name, user=actor)
    return township


def update_township(township: Township, name: str, *, hotline=None, discipline_secretary=None,
                    liaison_cadre=None, actor=None) -> None:
    """Rename a township or change its hotline and people; its villages' pages change too."""
    before = (township.name, township.hotline, township.discipline_secretary, township.liaison_cadre)
    after = (_text(name, "name"), _phone(hotline, "hotline"),
             _text(discipline_secretary, "discipline_secretary", False), _text(liaison_cadre, "liaison_cadre", False))
    if before == after:
        return
    township.name, township.hotline, township.discipline_secretary, township.liaison_cadre = after
    # Village pages show the township's name and hotline: give them new ETags.
    db.session.execute(update(Village).where(Village.township_id == township.id)
                       .values(content_version=Village.content_version + 1, updated_at=utcnow()))
    audit.record("township_update", "township", township.code, f"{before} -> {after}", user=actor)


def create_village(township: Township, code: str, name: str, *, supervision_phone=None, actor=None) -> Village:
    """Add a village to a township; its code is the township code plus 3 digits."""
    code = _code(code, 12, township.code, "code")
    if db.session.scalar(select(Village.id).where(Village.code == code)) is not None:
        raise PortalError(_l("A village with this code already exists."), field="code")
    name = _text(name, "name")
    full, initials = pinyin_of(name)
    village = Village(code=code, name=name, name_pinyin=full, name_initials=initials, township=township,
                      supervision_phone=_phone(supervision_phone, "supervision_phone"))
    db.session.add(village)
    db.session.flush()
    audit.record("village_create", "village", village.code, village.name, user=actor)
    return village


def update_village(village: Village, name: str, *, supervision_phone=None, actor=None) -> None:
    """Rename a village (its pinyin follows) or change its supervision phone."""
    before = (village.name, village.supervision_phone)
    name = _text(name, "name")
    phone = _phone(supervision_phone, "supervision_phone")
    if (name, phone) == before:
        return
    village.name = name
    village.name_pinyin, village.name_initials = pinyin_of(name)
    village.supervision_phone = phone
    touch_village(village)
    audit.record("village_update", "village", village.code, f"{before} -> {(name, phone)}", user=actor)


def get_township(code: str) -> Township | None:
    """Find a township by code."""
    return db.session.scalar(select(Township).where(Township.code == code))


def get_village(code: str) -> Village | None:
    """Find a village by code."""
    return db.session.scalar(select(Village).where(Village.code == code))
