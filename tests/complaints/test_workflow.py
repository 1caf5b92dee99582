"""The status machine: every allowed and every refused transition, required details, extension, one writer."""
import ast
import itertools
from datetime import timedelta
from pathlib import Path

import pytest

from portal.complaints import workflow
from portal.complaints.events import COMPLAINANT
from portal.complaints.models import ComplaintEvent
from portal.core.audit import AuditEntry
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.roles import STATUSES
from portal.extensions import db
from tests.complaints.conftest import user

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

FULL = {"reply": "经核实，已作处理并答复。", "transferred_to": "县信访局", "finding": "true", "disposal_mode": "close",
        "reason": "处理结果与事实不符，我有新的证据材料。"}
STAFF_ALLOWED = {(a, b) for a, targets in workflow.ALLOWED.items() for b in targets if b != "under_review"}


def _put(complaint, status):
    """Set up a case in a status (test fixture only; production code goes through transition)."""
    now = utcnow()
    complaint.status = status
    complaint.accepted_at = now - timedelta(days=2) if status not in ("received", "declined", "transferred") else None
    complaint.replied_at = now - timedelta(days=1) if status in ("concluded", "under_review", "declined") else None
    complaint.review_requested_at = now if status == "under_review" else None
    db.session.commit()


def _counts(complaint):
    return (db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id).count(),
            db.session.query(AuditEntry).filter_by(object_type="complaint", object_id=str(complaint.id)).count())


@pytest.mark.parametrize("from_status, to_status", list(itertools.product(STATUSES, STATUSES)))
def test_every_staff_transition_is_allowed_or_refused_by_the_table(file_case, from_status, to_status):
    complaint, _ = file_case()
    _put(complaint, from_status)
    before = _counts(complaint)
    if (from_status, to_status) in STAFF_ALLOWED:
        event = workflow.transition(complaint, to_status, user("county_handler"), **FULL)
        db.session.commit()
        assert complaint.status == to_status
        assert (event.kind, event.from_status, event.to_status) == ("status", from_status, to_status)
        assert event.public
        assert _counts(complaint) == (before[0] + 1, before[1] + 1)
        entry = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
        assert entry.action == "complaint_transition" and entry.username == "county_handler"
    else:
        with pytest.raises(PortalError):
            workflow.transition(complaint, to_status, user("county_handler"), **FULL)
        db.session.rollback()
        assert complaint.status == from_status and _counts(complaint) == before


@pytest.mark.parametrize("from_status", STATUSES)
def test_only_the_complainant_reaches_under_review_and_only_from_concluded(file_case, from_status):
    complaint, _ = file_case()
    _put(complaint, from_status)
    before = _counts(complaint)
    if from_status == "concluded":
        workflow.transition(complaint, "under_review", COMPLAINANT, reason=FULL["reason"])
        db.session.commit()
        assert complaint.status == "under_review" and complaint.handling_level == "county"
        assert _counts(complaint) == (before[0] + 1, before[1] + 1)
        entry = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
        assert entry.user_id is None and entry.remote_addr is None
    else:
        with pytest.raises(PortalError):
            workflow.transition(complaint, "under_review", COMPLAINANT, reason=FULL["reason"])
        assert complaint.status == from_status and _counts(complaint) == before


@pytest.mark.parametrize("to_status", ["accepted", "declined", "transferred"])
def test_the_complainant_cannot_make_staff_transitions(file_case, to_status):
    complaint, _ = file_case()
    with pytest.raises(PortalError):
        workflow.transition(complaint, to_status, COMPLAINANT, **FULL)
    assert complaint.status == "received"


@pytest.mark.parametrize("username", ["handler_dongshan", "cadre_shangtang", "county_admin"])
def test_staff_who_cannot_read_the_case_cannot_change_it(file_case, username):
    complaint, _ = file_case()
    with pytest.raises(PortalError):
        workflow.transition(complaint, "accepted", user(username))
    assert complaint.status == "received"


def test_the_township_handler_of_the_case_can_change_it(file_case):
    complaint, _ = file_case()
    workflow.transition(complaint, "accepted", user("handler_baishi"))
    assert complaint.status == "accepted" and complaint.accepted_at is not None


@pytest.mark.parametrize("from_status, to_status, missing", [
    ("received", "declined", "reply"),
    ("received", "transferred", "reply"),
    ("received", "transferred", "transferred_to"),
    ("in_progress", "concluded", "reply"),
    ("in_progress", "concluded", "finding"),
    ("in_progress", "concluded", "disposal_mode"),
    ("under_review", "concluded", "finding"),
])
def test_required_details_are_enforced(file_case, from_status, to_status, missing):
    complaint, _ = file_case()
    _put(complaint, from_status)
    before = _counts(complaint)
    details = {k: v for k, v in FULL.items() if k != missing}
    with pytest.raises(PortalError) as refused:
        workflow.transition(complaint, to_status, user("county_handler"), **details)
    assert missing in refused.value.errors
    assert complaint.status == from_status and _counts(complaint) == before


def test_bad_finding_or_disposal_codes_are_refused(file_case):
    complaint, _ = file_case()
    _put(complaint, "in_progress")
    with pytest.raises(PortalError) as refused:
        workflow.transition(complaint, "concluded", user("county_handler"), reply="答复内容", finding="maybe",
                            disposal_mode="<script>")
    assert set(refused.value.errors) == {"finding", "disposal_mode"}


def test_concluding_records_the_reply_and_finding_and_a_new_conclusion_is_rated_afresh(file_case):
    complaint, _ = file_case()
    _put(complaint, "in_progress")
    workflow.transition(complaint, "concluded", user("county_handler"), **FULL)
    assert (complaint.finding, complaint.disposal_mode, complaint.reply) == ("true", "close", FULL["reply"])
    assert complaint.concluded_at is not None and complaint.replied_at is not None
    complaint.rating = "dissatisfied"
    workflow.transition(complaint, "under_review", COMPLAINANT, reason=FULL["reason"])
    workflow.transition(complaint, "concluded", user("county_handler"), **{**FULL, "finding": "partly_true"})
    assert complaint.finding == "partly_true" and complaint.rating is None


def test_declining_and_transferring_record_the_reply(file_case):
    declined, _ = file_case()
    workflow.transition(declined, "declined", user("handler_baishi"), reply="属邻里纠纷，请向镇调解委员会申请调解。")
    assert declined.decline_reason == declined.reply and declined.replied_at is not None
    db.session.commit()  # filing the next case takes the write lock: nothing may be left uncommitted
    transferred, _ = file_case()
    workflow.transition(transferred, "transferred", user("handler_baishi"), transferred_to="镇政府", reply="已转镇政府办理。")
    assert transferred.transferred_to == "镇政府"


def test_a_case_can_be_reviewed_at_most_twice(file_case):
    complaint, _ = file_case()
    _put(complaint, "concluded")
    for _round in range(workflow.MAX_REVIEWS):
        workflow.transition(complaint, "under_review", COMPLAINANT, reason=FULL["reason"])
        workflow.transition(complaint, "concluded", user("county_handler"), **FULL)
        db.session.commit()
    with pytest.raises(PortalError):
        workflow.transition(complaint, "under_review", COMPLAINANT, reason=FULL["reason"])


# --- extension -----------------------------------------------------------------------

def test_extension_once_with_a_reason_within_the_maximum(file_case):
    complaint, _ = file_case()
    _put(complaint, "in_progress")
    event = workflow.extend(complaint, user("county_handler"), "30", "需调取银行流水")
    assert complaint.extended_days == 30 and complaint.extension_reason == "需调取银行流水"
    assert event.kind == "extension" and event.public
    with pytest.raises(PortalError):
        workflow.extend(complaint, user("county_handler"), "5", "再延期")
    assert complaint.extended_days == 30


@pytest.mark.parametrize("days, reason", [("31", "理由充分"), ("0", "理由充分"), ("-3", "理由充分"), ("abc", "理由充分"),
                                          ("", "理由充分"), ("10", ""), ("10", "  ")])
def test_bad_extensions_are_refused(file_case, days, reason):
    complaint, _ = file_case()
    _put(complaint, "accepted")
    with pytest.raises(PortalError):
        workflow.extend(complaint, user("county_handler"), days, reason)
    assert complaint.extended_days == 0


@pytest.mark.parametrize("status", ["received", "declined", "transferred", "concluded", "under_review"])
def test_only_running_cases_can_be_extended(file_case, status):
    complaint, _ = file_case()
    _put(complaint, status)
    with pytest.raises(PortalError):
        workflow.extend(complaint, user("county_handler"), "10", "理由充分")


def test_the_county_can_lower_the_maximum_extension(file_case):
    from portal.core.settings import set_setting

    set_setting("deadline_rules", {"max_extension_days": 10})
    db.session.commit()
    complaint, _ = file_case()
    _put(complaint, "in_progress")
    with pytest.raises(PortalError):
        workflow.extend(complaint, user("county_handler"), "11", "理由充分")
    workflow.extend(complaint, user("county_handler"), "10", "理由充分")


# --- one writer --------------------------------------------------------------------

def test_nothing_but_the_workflow_assigns_a_complaint_status():
    root = Path(__file__).resolve().parents[2] / "portal"
    offenders = []
    for path in list((root / "complaints").glob("*.py")) + [root / "api" / "complaints.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(t, ast.Attribute) and t.attr == "status" and path.name != "workflow.py":
                        offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
