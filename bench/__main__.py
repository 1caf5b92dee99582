"""`make bench`: load the portal under gunicorn scenario after scenario, on a large and a small county.

Environment: BENCH_OUT (JSON report, default instance/bench.json), BENCH_SECONDS
(per scenario, default 10), BENCH_CONNECTIONS (default 20), BENCH_SCENARIOS
(comma list), BENCH_PG_URL (a PostgreSQL server URL: benchmark PostgreSQL
instead of SQLite).
"""
import json
import os
import shutil
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench import dataset, load, scenarios
from bench.server import BenchServer

ROOT = Path(__file__).resolve().parents[1]
WARMUP_SECONDS = 2


def _log(message: str) -> None:
    print(message, flush=True)


def _working_copy(ds: dataset.Dataset, pg_url: str | None) -> str:
    """Give the server a copy, so intake never changes the cached database."""
    work = dataset.CACHE / "work"
    work.mkdir(parents=True, exist_ok=True)
    if not pg_url:
        target = work / f"{ds.size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(sa.engine.make_url(ds.url).database, target)
        return f"sqlite:///{target}"
    name = f"bench_work_{ds.size}"
    source = sa.engine.make_url(ds.url).database
    with dataset._pg_admin(pg_url).connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    return sa.engine.make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def run_size(ds: dataset.Dataset, names: list[str], seconds: float, connections: int, pg_url: str | None) -> dict:
    """Run every scenario against one database; return {name: row}."""
    url = _working_copy(ds, pg_url)
    instance = dataset.CACHE / "instance"
    rows = {}
    with BenchServer(url, instance, dataset.CACHE / "work" / f"gunicorn-{ds.size}.log") as server:
        for name in names:
            requests, expected = scenarios.build(name, server.base, ds.meta)
            if not requests:
                _log(f"  {name}: nothing to request, skipped")
                continue
            status = scenarios.fetch(server.base, requests[0])[0]
            if status != expected:
                _log(f"  {name}: first answer was {status}, not {expected}: skipped")
                rows[name] = {"name": name, "skipped": f"answered {status}, expected {expected}"}
                continue
            workdir = dataset.CACHE / "work" / name
            load.run(server.base, requests, expected, WARMUP_SECONDS, connections, workdir)
            cpu_before = server.cpu_seconds()
            result = load.run(server.base, requests, expected, seconds, connections, workdir,
                              keep_receipts=name == "intake")
            # Server CPU per answer: unlike rps, it does not depend on what else runs on the machine.
            cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(result.requests, 1)
            raw, packed = scenarios.sizes(server.base, requests) if name != "intake" else (0, 0)
            rows[name] = {"name": name, "rps": round(result.rps, 1), "p50_ms": round(result.p50_ms, 2),
                          "p95_ms": round(result.p95_ms, 2), "p99_ms": round(result.p99_ms, 2),
                          "bytes": raw, "gzip_bytes": packed, "unexpected": result.mismatched + result.errors,
                          "cpu_ms": round(cpu_ms, 2)}
            if name == "intake":
                rows[name]["acknowledged"] = len(result.receipts)
                rows[name]["found"] = scenarios.track_all(server.base, result.receipts)
            _log(f"  {ds.size:5} {name:11} {result.rps:8.1f} rps  p95 {result.p95_ms:7.2f} ms  "
                 f"server CPU {cpu_ms:6.2f} ms/request  unexpected {result.mismatched + result.errors}")
    return rows


def cpu_table(large: dict, small: dict) -> None:
    """Print server CPU per request, the load-independent view of the same runs."""
    print(f"\nserver CPU ms/request  {'large':>8}{'small':>8}{'×hello':>8}")
    hello = large.get("hello", {}).get("cpu_ms")
    for name, row in large.items():
        if "cpu_ms" in row:
            share = f"{hello / row['cpu_ms']:8.2f}" if hello and row["cpu_ms"] else f"{'-':>8}"
            print(f"{name:22}{row['cpu_ms']:8.2f}{small.get(name, {}).get('cpu_ms', float('nan')):8.2f}{share}")


def report(large: dict, small: dict) -> dict:
    """Shape the results as the JSON contract of BENCH_OUT."""
    hello = large.get("hello", {}).get("rps") or 0
    out_rows = []
    for _name, row in large.items():
        if "skipped" in row:
            continue
        out_rows.append({k: row[k] for k in ("name", "rps", "p50_ms", "p95_ms", "p99_ms", "bytes", "gzip_bytes")}
                        | {"ratio_to_hello": round(row["rps"] / hello, 3) if hello else None})
    ratios = {name: round(row["rps"] / small[name]["rps"], 3) for name, row in large.items()
              if "skipped" not in row and small.get(name, {}).get("rps")}
    intake = {"acknowledged": sum(r.get("intake", {}).get("acknowledged", 0) for r in (large, small)),
              "found": sum(r.get("intake", {}).get("found", 0) for r in (large, small))}
    return {"scenarios": out_rows, "large_vs_small": ratios, "intake": intake}


def print_table(result: dict) -> None:
    print(f"\n{'scenario':12}{'rps':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'bytes':>9}{'gzip':>8}"
          f"{'×hello':>8}{'large/small':>12}")
    for row in result["scenarios"]:
        ratio = result["large_vs_small"].get(row["name"])
        print(f"{row['name']:12}{row['rps']:9.1f}{row['p50_ms']:9.2f}{row['p95_ms']:9.2f}{row['p99_ms']:9.2f}"
              f"{row['bytes']:9}{row['gzip_bytes']:8}{row['ratio_to_hello'] or 0:8.2f}"
              f"{ratio if ratio is not None else float('nan'):12.2f}")
    print(f"intake: {result['intake']['acknowledged']} acknowledged, {result['intake']['found']} found by receipt")


def main() -> int:
    seconds = float(os.environ.get("BENCH_SECONDS", 10))
    connections = int(os.environ.get("BENCH_CONNECTIONS", 20))
    names = [n for n in os.environ.get("BENCH_SCENARIOS", ",".join(scenarios.NAMES)).split(",") if n]
    if "hello" not in names:
        names.insert(0, "hello")
    pg_url = os.environ.get("BENCH_PG_URL") or None
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "instance" / "bench.json")
    started = time.monotonic()
    _log(f"load generator: {'wrk' if load.have_wrk() else 'Python threads (install wrk for real numbers)'}; "
         f"{connections} connections, {seconds:.0f} s per scenario; database: {'PostgreSQL' if pg_url else 'SQLite'}")
    os.environ.setdefault("PORTAL_INSTANCE", str(dataset.CACHE / "instance"))
    large_ds = dataset.ensure("large", pg_url, _log)
    small_ds = dataset.ensure("small", pg_url, _log)
    large = run_size(large_ds, names, seconds, connections, pg_url)
    small = run_size(small_ds, names, seconds, connections, pg_url)
    result = report(large, small)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    cpu_table(large, small)
    print(f"\nwritten to {out} in {time.monotonic() - started:.0f} s")
    lost = result["intake"]["acknowledged"] - result["intake"]["found"]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
