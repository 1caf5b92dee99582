"""Helpers for the 一卡通 tests: people of the demo payment list, a CSV builder, the demo's flagged list."""
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.subsidies.models import PaymentLine, PaymentReview

# The demo list of 溪口村 (portal/demo/subsidies_data.py).
HE_XIULAN = ("339901197508220023", "何秀兰")
WU_CHANGGEN = ("339901195511200032", "吴长根")
UNKNOWN_VALID_ID = "110101199003074477"


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


@pytest.fixture
def demo_review(app):
    """The demo's latest payment-list review with its anomalies, detached."""
    with app.app_context():
        return db.session.scalar(select(PaymentReview).options(selectinload(PaymentReview.anomalies))
                                 .order_by(PaymentReview.id.desc()))


@pytest.fixture
def demo_lines(app):
    with app.app_context():
        return db.session.scalars(select(PaymentLine).where(PaymentLine.item == "耕地地力保护补贴",
                                                            PaymentLine.current.is_(True))).all()
