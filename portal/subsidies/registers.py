"""What the rules compare payment lists with: cadres' declared relatives, the deceased, the county's standards.

ID numbers typed here are checked, hashed with the deployment key and masked; the raw number is never stored.
"""
import csv
import datetime
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.forms import line_ends
from portal.core.text import HIDDEN_MESSAGE, has_hidden, too_long_message
from portal.extensions import db
from portal.subsidies.keys import NAME_MAX, id_hash, id_problem, mask_id, valid_id
from portal.subsidies.models import RELATIONS, CadreRelative, DeceasedPerson, SubsidyStandard
from portal.subsidies.rules import item_key

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UPLOAD_ROWS = 5000


def row_id(text) -> int | None:
    """A row id sent back by a form (hidden field), or None when it is not a plausible one."""
    text = text if isinstance(text, str) else ""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**31 else None


def _name(text, errors: dict, field: str = "name") -> str:
    text = text if isinstance(text, str) else ""
    if has_hidden(text):
        errors[field] = [HIDDEN_MESSAGE]
        return ""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not name:
        errors[field] = [_l("Enter the name as it is on the ID card.")]
    elif len(name) > NAME_MAX:
        errors[field] = [_l("Write at most %(max)d characters.", max=NAME_MAX)]
    return name


def _id(text, errors: dict, field: str = "id_number") -> str | None:
    text = text if isinstance(text, str) else ""
    if has_hidden(text):
        errors[field] = [HIDDEN_MESSAGE]
        return None
    problem = id_problem(text[:64])
    if problem:
        errors[field] = [problem]
        return None
    return valid_id(text)


# ---- cadres' close relatives ---------------------------------------------------------------

def relatives_of(user) -> list[CadreRelative]:
    return list(db.session.scalars(select(CadreRelative).where(CadreRelative.declared_by_id == user.id)
                                   .order_by(CadreRelative.declared_at, CadreRelative.id)))


def declare_relative(user, name_text, relation, id_text) -> CadreRelative:
    """Record a close relative of the signed-in cadre (call inside a write transaction)."""
    errors: dict = {}
    name = _name(name_text, errors)
    if relation not in RELATIONS:
        errors["relation"] = [_l("Choose how this person is related to you.")]
    number = _id(id_text, errors)
    hashed = id_hash(number) if number else None
    if hashed and db.session.scalar(select(CadreRelative.id).where(CadreRelative.declared_by_id == user.id,
                                                                    CadreRelative.id_hash == hashed)):
        errors["id_number"] = [_l("You have already declared this person.")]
    if errors:
        raise PortalError(errors=errors)
    relative = CadreRelative(village_id=user.village_id, declared_by_id=user.id,
                             cadre_name=user.display_name or user.username, relation=relation, name=name,
                             masked_id=mask_id(number), id_hash=hashed)
    db.session.add(relative)
    db.session.flush()
    audit.record("relative_declare", "cadre_relative", relative.id, detail=relation, user=user)
    return relative


def withdraw_relative(user, relative_id: int) -> bool:
    relative = db.session.get(CadreRelative, relative_id)
    if relative is None or relative.declared_by_id != user.id:
        return False
    audit.record("relative_withdraw", "cadre_relative", relative.id, user=user)
    db.session.delete(relative)
    return True


# ---- the township's list of deceased persons --------------------------------------------------

def deceased_of(township_id: int) -> list[DeceasedPerson]:
    return list(db.session.scalars(select(DeceasedPerson).where(DeceasedPerson.township_id == township_id)
                                   .order_by(DeceasedPerson.entered_at.desc(), DeceasedPerson.id.desc())))


def _died(text, errors: dict, field: str = "died_on") -> datetime.date | None:
    text = (text if isinstance(text, str) else "").strip()
    if not text:
        return None
    try:
        day = datetime.date.fromisoformat(unicodedata.normalize("NFKC", text).replace("/", "-"))
    except ValueError:
        errors[field] = [_l("Write a date such as 2025-01-31.")]
        return None
    if day > datetime.date.today():
        errors[field] = [_l("The date of death cannot be in the future.")]
    return day


def _add_person(user, name: str, number: str, died_on) -> bool:
    hashed = id_hash(number)
    if db.session.scalar(select(DeceasedPerson.id).where(DeceasedPerson.township_id == user.township_id,
                                                         DeceasedPerson.id_hash == hashed)):
        return False
    db.session.add(DeceasedPerson(township_id=user.township_id, name=name, masked_id=mask_id(number),
                                  id_hash=hashed, died_on=died_on, entered_by_id=user.id))
    return True


def add_deceased(user, name_text, id_text, died_text) -> None:
    """Enter one person on the township's list (call inside a write transaction)."""
    errors: dict = {}
    name = _name(name_text, errors)
    number = _id(id_text, errors)
    died_on = _died(died_text, errors)
    if errors:
        raise PortalError(errors=errors)
    if not _add_person(user, name, number, died_on):
        raise PortalError(errors={"id_number": [_l("This person is already on the list.")]})
    db.session.flush()
    audit.record("deceased_add", "township", user.township_id, detail=mask_id(number), user=user)


_HEADERS = {"name": ("姓名", "name", "死者姓名"), "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number"),
            "died_on": ("死亡日期", "died_on", "死亡时间")}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PortalError(errors={"upload": [_l("The file is not a CSV file in UTF-8 or GBK.")]})


def import_deceased(user, data: bytes) -> tuple[int, int]:
    """Add every row of a CSV (姓名, 身份证号, 死亡日期); refuse the whole file on any error. Return (added, known)."""
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise PortalError(errors={"upload": [_l("Choose a CSV file of at most 1 MB.")]})
    rows = list(csv.reader(io.StringIO(_decode(data))))
    header = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", h)) for h in (rows[0] if rows else [])]
    at = {key: next((i for i, h in enumerate(header) if h in names), None) for key, names in _HEADERS.items()}
    if at["name"] is None or at["id_number"] is None:
        raise PortalError(errors={"upload": [
            _l("The first row must name the columns 姓名 and 身份证号 (and 死亡日期 if known).")]})
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if len(body) > MAX_UPLOAD_ROWS:
        raise PortalError(errors={"upload": [_l("The file has more than %(n)d rows.", n=MAX_UPLOAD_ROWS)]})
    people, problems = [], []
    for number, cells in enumerate(body, start=2):
        def cell(key, cells=cells):
            i = at[key]
            return cells[i] if i is not None and i < len(cells) else ""

        errors: dict = {}
        person = (_name(cell("name"), errors), _id(cell("id_number"), errors), _died(cell("died_on"), errors))
        for messages in errors.values():
            problems += [_l("Row %(row)d: %(message)s", row=number, message=m) for m in messages]
        people.append(person)
    if problems:
        raise PortalError(errors={"upload": problems[:20]})
    added = sum(_add_person(user, *person) for person in people)
    db.session.flush()
    audit.record("deceased_import", "township", user.township_id, detail=f"{added} added", user=user)
    return added, len(people) - added


def remove_deceased(user, person_id: int) -> bool:
    person = db.session.get(DeceasedPerson, person_id)
    if person is None or person.township_id != user.township_id:
        return False
    audit.record("deceased_remove", "township", user.township_id, detail=person.masked_id, user=user)
    db.session.delete(person)
    return True


# ---- the county's standard per subsidy item ------------------------------------------------------

def standards() -> list[SubsidyStandard]:
    return list(db.session.scalars(select(SubsidyStandard).order_by(SubsidyStandard.item)))


def set_standard(user, item_text, amount_text, note_text) -> SubsidyStandard:
    """Set (or change) the most one beneficiary may get for an item in one list (call inside a write transaction)."""
    errors: dict = {}
    typed = item_text if isinstance(item_text, str) else ""
    if has_hidden(typed):
        raise PortalError(errors={"item": [HIDDEN_MESSAGE]})
    item = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", typed)).strip()
    if not item:
        errors["item"] = [_l("Name the subsidy item as payment lists write it, e.g. 耕地地力保护补贴.")]
    elif len(item) > 120:
        errors["item"] = [too_long_message(120)]
    amount = None
    try:
        amount = Decimal(unicodedata.normalize("NFKC", str(amount_text or "")).replace(",", "").strip())
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e10") or amount.as_tuple().exponent < -2:
            raise InvalidOperation
    except InvalidOperation:
        errors["max_amount"] = [_l("Write an amount in yuan such as 800 or 650.50.")]
    note = (line_ends(note_text) if isinstance(note_text, str) else "").strip()
    if has_hidden(note):
        raise PortalError(errors={"note": [HIDDEN_MESSAGE]})
    if len(note) > 255:
        errors["note"] = [too_long_message(255)]
    if errors:
        raise PortalError(errors=errors)
    values = {"item": item, "max_amount": amount, "note": note or None, "updated_by_id": user.id}
    standard = db.session.scalar(select(SubsidyStandard).where(SubsidyStandard.item_key == item_key(item)))
    if standard is None:
        standard = SubsidyStandard(item_key=item_key(item), **values)
        db.session.add(standard)
    else:
        for name, value in values.items():
            setattr(standard, name, value)
    db.session.flush()
    audit.record("subsidy_standard_set", "subsidy_standard", standard.id, detail=f"{item} {amount:.2f}", user=user)
    return standard


def remove_standard(user, standard_id: int) -> bool:
    standard = db.session.get(SubsidyStandard, standard_id)
    if standard is None:
        return False
    audit.record("subsidy_standard_remove", "subsidy_standard", standard.id, detail=standard.item, user=user)
    db.session.delete(standard)
    return True
