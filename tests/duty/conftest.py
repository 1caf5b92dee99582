"""Fixtures of the evaluation tests: sign in mid-test, open a round, vote."""
import re
from datetime import datetime, timedelta

import pytest
from demo_ids import VILLAGE

from portal.duty.models import DutyReport
from portal.extensions import db
from portal.places.models import Village

CODE = re.compile(r'<span class="code">(\d{4} \d{4} \d{4})</span>')




def reports_of(code: str) -> list[DutyReport]:
    village = db.session.query(Village).filter_by(code=code).one()
    return db.session.query(DutyReport).filter_by(village_id=village.id, status="published").order_by(
        DutyReport.id).all()


@pytest.fixture
def open_round(app, client, forms, as_user):
    """Open a round for 上塘村's reports as the 白石镇 handler; return (response, codes, report ids)."""

    def _open(voters: int = 5, closes_in: timedelta = timedelta(days=2)):
        as_user("handler_baishi")
        with app.app_context():
            ids = [r.id for r in reports_of(VILLAGE)]
        closes = (datetime.now() + timedelta(hours=8) + closes_in).strftime("%Y-%m-%dT%H:%M")
        response = forms.post(f"/evaluation/villages/{VILLAGE}/new",
                              {"title": "上塘村2024年度述责述廉民主测评", "reports": ids, "closes_at": closes,
                               "voter_count": str(voters)})
        codes = CODE.findall(response.get_data(as_text=True))
        return response, codes, ids

    return _open


@pytest.fixture
def vote(app):
    """Vote through the page as a resident (a fresh client each time, like a different phone)."""
    from tests.conftest import csrf_from

    def _vote(code: str, ratings: dict[int, str] | None, step_only: bool = False, lang: str = "en"):
        resident = app.test_client()
        if lang:
            resident.set_cookie("lang", lang)  # messages are checked in English
        token = csrf_from(resident.get("/ballot").get_data(as_text=True))
        first = resident.post("/ballot", data={"csrf_token": token, "code": code})
        if step_only or ratings is None:
            return first
        data = {"csrf_token": token, "code": code, "step": "vote",
                **{f"report_{rid}": value for rid, value in ratings.items()}}
        return resident.post("/ballot", data=data)

    return _vote
