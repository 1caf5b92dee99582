"""No acknowledged complaint is lost when the whole server is killed mid-load (SIGKILL)."""
import threading
import time
from collections import defaultdict
from http.client import HTTPException

import pytest
import sqlalchemy as sa
from demo_ids import FAR_VILLAGE, OTHER_VILLAGE, VILLAGE

from production.helpers import http

pytestmark = pytest.mark.slow

THREADS = 16
PER_THREAD = 40  # upper bound; the kill normally comes first
KILL_AFTER_ACKS = 40
KILL_DEADLINE = 20.0  # seconds: kill anyway, so the test is bounded in time
VILLAGES = (VILLAGE, OTHER_VILLAGE, FAR_VILLAGE)


def _submit_until_stopped(base: str, n: int, stop: threading.Event, acked: list, lock: threading.Lock) -> None:
    for i in range(PER_THREAD):
        if stop.is_set():
            return
        body = {"village": VILLAGES[(n + i) % len(VILLAGES)], "category": "collective_assets",
                "about": "村委会", "description": f"压力测试 {n}-{i}：集体土地租金没有公示，请核查。", "anonymous": True}
        try:
            status, answer = http("POST", base + "/api/v1/complaints", body, timeout=30)
        except (OSError, HTTPException):
            return  # the server is gone, or went mid-answer: this submission was never acknowledged
        if status == 201:
            with lock:
                acked.append((answer["receipt"], answer["case_number"]))


def test_every_acknowledged_complaint_survives_a_kill(servers, server_env, database_url, capsys):
    server = servers({**server_env, "RATELIMIT_ENABLED": "0"}, workers=2)
    stop, lock, acked = threading.Event(), threading.Lock(), []
    threads = [threading.Thread(target=_submit_until_stopped, args=(server.base, n, stop, acked, lock), daemon=True)
               for n in range(THREADS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + KILL_DEADLINE
    while time.monotonic() < deadline and len(acked) < KILL_AFTER_ACKS and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    server.kill()  # master and workers at once, requests in flight
    stop.set()
    for t in threads:
        t.join(timeout=40)
    assert acked, "no complaint was acknowledged before the kill"

    restarted = servers({**server_env, "RATELIMIT_ENABLED": "0"}, workers=2)
    lost = []
    for receipt, case_number in acked:
        status, answer = http("POST", restarted.base + "/api/v1/complaints/track", {"receipt": receipt}, timeout=30)
        if status != 200 or answer.get("case_number") != case_number:
            lost.append(case_number)
    with capsys.disabled():
        print(f"\ncrash test: {len(acked)} acknowledged before SIGKILL, {len(acked) - len(lost)} found after restart")
    assert lost == []
    _assert_nothing_half_stored(database_url, [c for _r, c in acked])


def _assert_nothing_half_stored(url: str, acked_cases: list[str]) -> None:
    """Every case has its first event; case numbers and counters agree."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        cases = conn.execute(sa.text("SELECT id, case_number FROM complaint")).all()
        references = set(conn.execute(sa.text("SELECT public_reference FROM complaint")).scalars())
        with_events = set(conn.execute(sa.text(
            "SELECT complaint_id FROM complaint_event WHERE kind = 'status' AND to_status = 'received'")).scalars())
        counters = {(c, y): last for c, y, last in conn.execute(sa.text(
            "SELECT county_code, year, last FROM case_counter"))}
    engine.dispose()
    assert [n for cid, n in cases if cid not in with_events] == []
    numbers = {n for _cid, n in cases}
    assert set(acked_cases) <= references  # the API answers the complainant's reference
    by_year = defaultdict(list)
    for number in numbers:
        county, year, seq = number.split("-")
        by_year[(county, int(year))].append(int(seq))
    for key, seqs in by_year.items():
        # A counter never lags the numbers handed out, and no number was handed out twice.
        assert counters.get(key, 0) >= max(seqs), key
        assert len(seqs) == len(set(seqs))
