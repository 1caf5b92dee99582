"""Case numbers `<county code>-<year>-<6-digit sequence>` that never collide, and residents' references.

The sequential case number is for staff (filing, printing, statistics). The
complainant is given a random reference instead (``2026-4821-3907``): two
references of one resident tell nothing about how many complaints came in
between. The API's ``case_number`` field carries this reference.
"""
import re
import secrets
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.complaints.models import CaseCounter, Complaint
from portal.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@cache
def _bump():
    # Built once: every intake runs it, and constructing a statement costs about what running it does.
    return (update(CaseCounter)
            # Not named after the columns: an UPDATE would take such parameters as values to set.
            .where(CaseCounter.county_code == bindparam("county"), CaseCounter.year == bindparam("for_year"))
            .values(last=CaseCounter.last + 1)
            .returning(CaseCounter.last)
            .execution_options(synchronize_session=False))


@cache
def _reference_taken():
    return select(Complaint.id).where(Complaint.public_reference == bindparam("reference"))


def next_sequence(county_code: str, year: int) -> int:
    """Increment the county's counter for the year and return the new value.

    Call inside a write transaction (``begin_write``): on SQLite that holds
    the database write lock; on PostgreSQL the UPDATE locks the counter row
    until commit, so concurrent intakes queue on it instead of colliding.
    """
    session = db.session
    key = {"county": county_code, "for_year": year}
    # The year's row exists for all but its first case: one statement then.
    last = session.execute(_bump(), key).scalar_one_or_none()
    if last is not None:
        return last
    insert = _INSERTS.get(session.get_bind().dialect.name)
    if insert is not None:
        # Create the row if missing without racing another transaction doing the same.
        session.execute(insert(CaseCounter).values(county_code=county_code, year=year, last=0)
                        .on_conflict_do_nothing(index_elements=["county_code", "year"]))
    elif session.query(CaseCounter.id).filter_by(county_code=county_code, year=year).first() is None:
        session.add(CaseCounter(county_code=county_code, year=year, last=0))
        session.flush()
    return session.execute(_bump(), key).scalar_one()


def format_case_number(county_code: str, year: int, sequence: int) -> str:
    """Return e.g. 339901-2026-000123."""
    return f"{county_code}-{year}-{sequence:06d}"


def next_case_number(county_code: str, year: int) -> str:
    """Draw the next case number of a county and year."""
    return format_case_number(county_code, year, next_sequence(county_code, year))


REFERENCE = re.compile(r"\d{4}-\d{4}-\d{4}")


def new_reference(year: int) -> str:
    """Draw a random, unused complainant reference: the year and eight random digits (e.g. 2026-4821-3907).

    Call inside the intake's write transaction; the column is unique as well.
    """
    while True:
        digits = f"{secrets.randbelow(10**8):08d}"
        reference = f"{year}-{digits[:4]}-{digits[4:]}"
        if db.session.scalar(_reference_taken(), {"reference": reference}) is None:
            return reference
