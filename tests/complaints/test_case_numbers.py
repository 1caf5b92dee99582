"""Case numbers: county-year-sequence, never colliding, also when 40 residents file at the same moment."""
import re
import threading

import pytest

from portal.complaints.models import CaseCounter, Complaint
from portal.complaints.numbering import format_case_number, next_case_number
from portal.extensions import db
from tests.complaints.conftest import case_data, complaint_count

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

THREADS = 40


def test_case_numbers_look_like_county_year_sequence():
    assert format_case_number("339901", 2026, 123) == "339901-2026-000123"


def test_numbers_follow_each_other_and_each_year_starts_again(app):
    first = next_case_number("339901", 2031)
    second = next_case_number("339901", 2031)
    other_year = next_case_number("339901", 2032)
    db.session.commit()
    assert (first, second, other_year) == ("339901-2031-000001", "339901-2031-000002", "339901-2032-000001")
    assert db.session.query(CaseCounter).filter_by(county_code="339901", year=2031).one().last == 2


def test_intake_continues_the_years_counter(file_case):
    first, _ = file_case()
    second, _ = file_case()
    year, seq = first.case_number.split("-")[1:]
    assert second.case_number == f"339901-{year}-{int(seq) + 1:06d}"


def test_forty_simultaneous_submissions_get_distinct_numbers_and_are_all_stored(app):
    """Runs on the fixtures' file SQLite database, and on PostgreSQL with PORTAL_TEST_BACKEND=postgres."""
    before = complaint_count()
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def worker(i: int):
        client = app.test_client()
        payload = case_data(description=f"并发测试第{i}号举报：村道工程款去向不明。")
        payload["anonymous"] = True
        try:
            barrier.wait(timeout=30)
            # Each thread is a different resident: distinct addresses, so the intake limit does not apply.
            response = client.post("/api/v1/complaints", json=payload, environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})
            results.append((response.status_code, response.get_json()))
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert [code for code, _ in results] == [201] * THREADS, results
    references = [body["case_number"] for _, body in results]
    assert len(set(references)) == THREADS
    assert complaint_count() == before + THREADS
    cases = db.session.query(Complaint).filter(Complaint.public_reference.in_(references)).all()
    assert len(cases) == THREADS
    numbers = [c.case_number for c in cases]
    assert len(set(numbers)) == THREADS
    assert all(re.fullmatch(r"339901-\d{4}-\d{6}", n) for n in numbers)
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + THREADS))


def test_a_residents_two_references_do_not_reveal_how_many_came_in_between(client):
    """The API's case_number is a random reference; the staff's sequential number never reaches the resident."""
    first = client.post("/api/v1/complaints", json=case_data()).get_json()
    for i in range(3):
        client.post("/api/v1/complaints", json=case_data(), environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})
    second = client.post("/api/v1/complaints", json=case_data()).get_json()
    cases = [db.session.query(Complaint).filter_by(public_reference=r["case_number"]).one() for r in (first, second)]
    seqs = [int(c.case_number.rsplit("-", 1)[1]) for c in cases]
    assert seqs[1] - seqs[0] == 4  # staff numbers count every complaint …
    for answer, case in zip((first, second), cases, strict=True):
        assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", answer["case_number"])  # … the resident's reference does not
        assert case.case_number.rsplit("-", 1)[1] not in answer["case_number"].replace("-", "")
        tracked = client.post("/api/v1/complaints/track", json={"receipt": answer["receipt"]}).get_json()
        assert tracked["case_number"] == answer["case_number"]


def test_references_are_random_and_unique(app):
    from portal.complaints.numbering import new_reference

    drawn = {new_reference(2026) for _ in range(200)}
    assert len(drawn) == 200
    assert all(re.fullmatch(r"2026-\d{4}-\d{4}", r) for r in drawn)


def test_a_handler_can_open_a_case_by_the_reference_the_resident_quotes(client, auth, file_case):
    complaint, _ = file_case()
    auth.login("handler_baishi")
    page = client.get(f"/triage/{complaint.public_reference}")
    assert page.status_code == 200 and complaint.case_number in page.get_data(as_text=True)
