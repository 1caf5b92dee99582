"""18:00 Beijing time entered for an evaluation round is 18:00 everywhere it is read back (SQLite and PostgreSQL)."""
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from demo_ids import VILLAGE

from duty.conftest import reports_of
from portal.core.timezone import local_today
from portal.duty.models import EvaluationRound
from portal.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_round_closing_at_1800_local_reads_back_1800(ctx, forms, as_user, client):
    as_user("handler_baishi")
    day = local_today() + timedelta(days=3)
    response = forms.post(f"/evaluation/villages/{VILLAGE}/new",
                          {"title": "时区测试", "reports": [r.id for r in reports_of(VILLAGE)],
                           "closes_at": f"{day.isoformat()}T18:00", "voter_count": "3"})
    assert response.status_code == 200
    sheet = response.get_data(as_text=True)
    assert "18:00" in sheet and "02:00" not in sheet, "the printed ballot sheet must say 18:00"
    db.session.commit()
    rnd = db.session.scalar(sa.select(EvaluationRound).order_by(EvaluationRound.id.desc()))
    assert rnd.closes_at.astimezone(SHANGHAI).hour == 18 and rnd.closes_at.astimezone(SHANGHAI).date() == day
    assert rnd.closes_at.astimezone(UTC).hour == 10
    # What the column really holds: 10:00 UTC (SQLite keeps digits only, PostgreSQL an instant).
    raw = db.session.execute(sa.text("SELECT closes_at FROM evaluation_round WHERE id = :id"), {"id": rnd.id}).scalar()
    raw_text = raw.astimezone(UTC).isoformat() if hasattr(raw, "astimezone") else str(raw)
    assert "10:00:00" in raw_text, raw_text
    page = client.get(f"/evaluation/{rnd.id}").get_data(as_text=True)
    assert "18:00" in page
