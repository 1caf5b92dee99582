"""Fixtures of the oversight tests: signing in mid-test, inserting complaints."""
from datetime import UTC

import pytest
from conftest import setup_context

_counter = {"n": 0}


def local_moment(day, hour: int = 10, minute: int = 0):
    """A UTC datetime for a local (Asia/Shanghai) day and time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(
        UTC)


@pytest.fixture
def no_complaints(app):
    """Start from no complaints at all (the demo county ships some)."""
    from sqlalchemy import delete

    from portal.complaints.models import Complaint
    from portal.extensions import db

    with app.app_context():
        db.session.execute(delete(Complaint))
        db.session.commit()


@pytest.fixture
def add_complaint(app, no_complaints):
    """Insert a complaint row directly (dates are local days); decided= adds the status event of a decision."""
    from portal.complaints.models import Complaint, ComplaintEvent
    from portal.extensions import db
    from portal.places.models import Village

    def _add(*args, **kwargs):
        with setup_context(app):
            return _insert(*args, **kwargs)

    def _insert(village_code: str, *, received, status: str = "received", category: str = "integrity",
               accepted=None, decided=None, concluded=None, replied=None, rating=None, review_requested=None,
               extended_days: int = 0, handling_level: str = "township", about: str = "测试对象",
               description: str = "测试内容，不应出现在统计页面。", received_hour: int = 10):
        village = db.session.query(Village).filter_by(code=village_code).one()
        _counter["n"] += 1
        n = _counter["n"]
        complaint = Complaint(
            case_number=f"339901-2025-9{n:05d}", receipt_hash=f"test-receipt-{n}-{village_code}",
            village_id=village.id, township_id=village.township_id, handling_level=handling_level,
            category=category, about=about, description=description, status=status,
            received_at=local_moment(received, received_hour) if hasattr(received, "year") else received,
            accepted_at=local_moment(accepted) if accepted else None,
            concluded_at=local_moment(concluded, 16) if concluded else None,
            replied_at=local_moment(replied, 17) if replied else None,
            review_requested_at=local_moment(review_requested) if review_requested else None,
            rating=rating, extended_days=extended_days,
        )
        db.session.add(complaint)
        db.session.flush()
        if decided:
            db.session.add(ComplaintEvent(complaint_id=complaint.id, kind="status", from_status="received",
                                          to_status=status, at=local_moment(decided, 11)))
        db.session.commit()
        db.session.refresh(complaint)
        return complaint

    return _add
