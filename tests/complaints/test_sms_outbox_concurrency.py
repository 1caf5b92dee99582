"""Two senders at the same moment send each text once (SQLite's write lock, PostgreSQL's SKIP LOCKED).

Each sender runs in its own thread with its own app context, session and connection, against the
backend under test (PostgreSQL when PORTAL_TEST_BACKEND=postgres), and talks to a real HTTP gateway.
"""
from collections import Counter

import pytest
from production.helpers import in_threads
from sqlalchemy import func, select

from portal.core import sms
from portal.core.sms import SmsMessage
from portal.extensions import db
from tests.complaints.sms_server import SmsGatewayServer

pytestmark = pytest.mark.slow


def test_two_senders_at_once_send_each_text_once(ctx, app):
    db.session.execute(db.update(SmsMessage).where(SmsMessage.sent_at.is_(None)).values(sent_at=func.now()))
    numbers = [f"139{i:08d}" for i in range(30)]
    for i, number in enumerate(numbers):
        sms.enqueue(number, "case_update", {"ref": f"R{i}", "url": "https://portal.invalid/complaints/track"},
                    f"complaint:test{i}")
    db.session.commit()
    with SmsGatewayServer(delay=0.01) as server:
        app.config.update(server.config())
        results = in_threads(app, lambda: sms.deliver_pending(limit=20))
        rest = sms.deliver_pending(limit=20)
        sent_to = Counter(r["PhoneNumbers"] for r in server.requests)
    assert set(sent_to) == set(numbers) and set(sent_to.values()) == {1}, "a text went out twice or not at all"
    assert sum(r.sent for r in results) + rest.sent == 30
    assert all(r.sent > 0 for r in results), "both senders took part"
    db.session.expire_all()
    rows = list(db.session.scalars(select(SmsMessage).where(SmsMessage.ref.like("complaint:test%"))))
    assert len(rows) == 30 and all(r.sent_at and r.recipient_encrypted is None for r in rows)
