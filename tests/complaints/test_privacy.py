"""Anonymity: no address, receipt or contact detail in the complaint tables, the limiter or the logs."""
import logging
import re

import pytest
import sqlalchemy as sa

from portal.complaints import handling
from portal.complaints.models import Complaint
from portal.core.audit import AuditEntry
from portal.extensions import db, limiter
from tests.complaints.conftest import advance, case_data, user
from tests.demo_ids import VILLAGE

ADDRESS = "203.0.113.77"
NAME, PHONE = "欧阳明月", "13912345678"
COMPLAINT_TABLES = ("complaint", "complaint_event", "complaint_attachment", "recusal", "case_counter",
                    "routing_rule", "outbox_message")


def _dump_tables(names) -> str:
    out = []
    for name in names:
        out += [repr(tuple(row)) for row in db.session.execute(sa.text(f"SELECT * FROM {name}"))]
    return "\n".join(out)


def _full_flow(app, caplog) -> tuple[str, Complaint]:
    """File (web and API), see the receipt, track, answer, add, rate and ask for review from one address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    from tests.conftest import Forms

    forms = Forms(client)
    data = case_data(anonymous="0", contact_name=NAME, contact_phone=PHONE)
    assert forms.post("/complaints/new", data, form_url=f"/complaints/new?village={VILLAGE}").status_code == 303
    page = client.get("/complaints/receipt").get_data(as_text=True)
    receipt = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', page).group(1).replace(" ", "")
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    handling.send_message(complaint, user("handler_baishi"), "请问具体时间？", question=True)
    db.session.commit()
    assert forms.post("/complaints/track", {"receipt": receipt}).status_code == 303
    assert forms.post("/complaints/track/answer", {"body": "上个月十五号。"}, form_url="/complaints/track").status_code == 303
    assert forms.post("/complaints/track/info", {"body": "补充：有证人。"}, form_url="/complaints/track").status_code == 303
    advance(complaint, "concluded")
    rated = forms.post("/complaints/track/rate", {"rating": "dissatisfied"}, form_url="/complaints/track")
    assert rated.status_code == 303
    assert forms.post("/complaints/track/review", {"body": "答复与事实不符，请复查。"},
                      form_url="/complaints/track").status_code == 303
    api = client.post("/api/v1/complaints", json={**case_data(), "anonymous": False,
                                                  "contact": {"name": NAME, "phone": PHONE}})
    assert api.status_code == 201
    assert client.post("/api/v1/complaints/track", json={"receipt": api.get_json()["receipt"]}).status_code == 200
    for _ in range(12):  # run into the guessing limit, which logs the limiter key
        client.post("/api/v1/complaints/track", json={"receipt": "0" * 20})
    return receipt + "|" + api.get_json()["receipt"], complaint


@pytest.fixture
def every_logger():
    """Switch every logger on (running the migrations' logging config disables those that existed)."""
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    was = [(lg, lg.disabled) for lg in loggers]
    for logger in loggers:
        logger.disabled = False
    yield
    for logger, disabled in was:
        logger.disabled = disabled


def test_a_full_flow_logs_no_receipt_contact_or_address(ctx, app, caplog, every_logger):
    caplog.set_level(logging.DEBUG)
    receipts, _complaint = _full_flow(app, caplog)
    text = caplog.text + "\n".join(repr(r.args) for r in caplog.records)
    assert "ratelimit" in text and "addr:" in text  # the limiter logged its breach, keyed by a hash
    for secret in [*receipts.split("|"), NAME, PHONE, ADDRESS]:
        assert secret not in text, secret


def test_no_address_receipt_or_plain_contact_is_stored(ctx, app, caplog):
    receipts, complaint = _full_flow(app, caplog)
    dump = _dump_tables(COMPLAINT_TABLES)
    for secret in [*receipts.split("|"), NAME, PHONE, ADDRESS]:
        assert secret not in dump, secret
    resident_entries = db.session.query(AuditEntry).filter(AuditEntry.object_id == str(complaint.id),
                                                           AuditEntry.user_id.is_(None)).all()
    assert resident_entries and all(e.remote_addr is None and e.username is None for e in resident_entries)
    assert ADDRESS not in _dump_tables(("audit_entry",))


def test_complaint_tables_have_no_address_column(ctx, app):
    inspector = sa.inspect(db.engine)
    for table in COMPLAINT_TABLES:
        for column in inspector.get_columns(table):
            name = column["name"]
            assert not re.search(r"(^|_)(ip|ip_address|addr|address|remote_addr|user_agent)($|_)", name), (table, name)


def test_the_rate_limiter_keeps_only_a_keyed_hash_of_the_address(ctx, app, caplog):
    _full_flow(app, caplog)
    storage = limiter.storage
    keys = " ".join(map(str, [*getattr(storage, "storage", {}), *getattr(storage, "events", {})]))
    assert "addr:" in keys and ADDRESS not in keys and ADDRESS.replace(".", "") not in keys


def test_a_staff_member_filing_a_complaint_is_not_linked_to_it(ctx, app, client, login_as, forms):
    login_as("handler_liutang")
    assert forms.post("/complaints/new", case_data(), form_url="/complaints/new").status_code == 303
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    entries = db.session.query(AuditEntry).filter_by(object_id=str(complaint.id)).all()
    assert entries and all(e.user_id is None and e.remote_addr is None for e in entries)
    assert all(e.actor_id is None for e in complaint.events)
