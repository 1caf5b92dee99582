"""Helpers for the complaint tests: file cases through the real service, read them back."""
import io

import pytest
from PIL import Image

from portal.complaints.intake import submit
from portal.complaints.models import Complaint
from portal.extensions import db
from tests.demo_ids import VILLAGE

DESCRIPTION = "村主任在村道工程中收受承包老板礼金两万元。"


def case_data(**changes) -> dict:
    data = {"village": VILLAGE, "category": "integrity", "about": "村主任", "description": DESCRIPTION,
            "anonymous": "1"}
    data.update(changes)
    return data


@pytest.fixture
def file_case(app):
    """File a complaint through the intake service; return (complaint, receipt)."""

    def _file(files=(), **changes):
        return submit(case_data(**changes), files)

    return _file


@pytest.fixture
def reload():
    def _reload(complaint):
        db.session.expire_all()
        return db.session.get(Complaint, complaint.id)

    return _reload


def jpeg_bytes(gps: bool = False) -> bytes:
    """A small JPEG, optionally with EXIF GPS data."""
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A one-page PDF, as a scanner or a phone's "print to PDF" makes it."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def complaint_count() -> int:
    # End the read snapshot (SQLite WAL, PostgreSQL) so rows committed by other connections show.
    db.session.commit()
    return db.session.query(Complaint).count()


def user(username: str):
    from portal.accounts.models import User

    return db.session.query(User).filter_by(username=username).one()


CHAIN = {
    "accepted": ("accepted", {}),
    "in_progress": ("in_progress", {}),
    "concluded": ("concluded", {"finding": "partly_true", "disposal_mode": "preliminary_check",
                                "reply": "经核实，部分属实，已责令整改。"}),
}


def advance(complaint, to_status: str, actor=None):
    """Move a case along received → accepted → in_progress → concluded with the workflow, committing."""
    from portal.complaints.workflow import transition

    actor = actor or user("county_handler")
    order = ["accepted", "in_progress", "concluded"]
    for status in order[order.index(complaint.status) + 1 if complaint.status in order else 0:]:
        target, details = CHAIN[status]
        transition(complaint, target, actor, **details)
        db.session.commit()
        if status == to_status:
            break
    return complaint


def backdate(complaint, **fields):
    """Move a case's dates into the past (tests of deadlines and windows)."""
    for name, value in fields.items():
        setattr(complaint, name, value)
    db.session.commit()
