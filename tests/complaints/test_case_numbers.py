"""Case numbers: county-year-sequence, never colliding, also when 40 residents file at the same moment."""
import re
import threading

from portal.complaints.models import CaseCounter, Complaint
from portal.complaints.numbering import format_case_number, next_case_number
from portal.extensions import db
from tests.complaints.conftest import case_data, complaint_count

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
    numbers = [body["case_number"] for _, body in results]
    assert len(set(numbers)) == THREADS
    assert all(re.fullmatch(r"339901-\d{4}-\d{6}", n) for n in numbers)
    assert complaint_count() == before + THREADS
    stored = {c.case_number for c in db.session.query(Complaint).filter(Complaint.case_number.in_(numbers))}
    assert stored == set(numbers)
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(seqs[0], seqs[0] + THREADS))
