"""`make bench`: load the portal under gunicorn scenario after scenario, size after size, database after database.

Environment:
  BENCH_SIZES        comma list of demo, 3000, 30000 (default: all three)
  BENCH_SCENARIOS    comma list (default: all; hello always runs, every ratio needs it)
  BENCH_SECONDS      measured seconds per scenario (default 4; a 1 s warm-up comes first)
  BENCH_CONNECTIONS  concurrent connections (default 20)
  BENCH_PG_URL       a PostgreSQL server URL: run every size again on PostgreSQL
                     (the bench creates and drops its own bench_* databases there)
  BENCH_OUT          the JSON report (default instance/bench.json)
"""
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench import dataset, load, scenarios
from bench.server import BenchServer, NginxFiles, drop_page_cache, page_cache_env

ROOT = Path(__file__).resolve().parents[1]
# Pages a cold walk may ask for in one run (never the same page twice); more than 20 connections get in 4 s.
COLD_PAGES = 5000


def _log(message: str) -> None:
    print(message, flush=True)


class Restore:
    """Put a cached database back as it was after a run: intake adds complaints, the rest only reads.

    A copy of a 10 GB database per run would cost more than the run, so the run uses the cached
    database and afterwards deletes every row whose id is above the mark taken before, children
    first, and restores the case counters.
    """

    def __init__(self, url: str):
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        schema = sa.MetaData()
        schema.reflect(self.engine, only=lambda name, _m: not name.startswith(("village_fts", "search_", "alembic")))
        self.tables = [t for t in reversed(schema.sorted_tables) if "id" in t.c]

    def __enter__(self) -> "Restore":
        with self.engine.connect() as conn:
            self.marks = {t.name: conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0))).scalar()
                          for t in self.tables}
            self.counters = conn.execute(sa.text("SELECT id, last FROM case_counter")).all()
        return self

    def __exit__(self, *_exc) -> None:
        with self.engine.begin() as conn:
            for t in self.tables:
                conn.execute(t.delete().where(t.c.id > self.marks[t.name]))
            for cid, last in self.counters:
                conn.execute(sa.text("UPDATE case_counter SET last = :last WHERE id = :id"), {"last": last, "id": cid})
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.engine.dispose()


def _drop_stale_pg(pg_url: str) -> None:
    """Drop the bench's PostgreSQL databases of older dataset keys (the SQLite cache prunes itself)."""
    key = dataset.schema_key()
    with dataset._pg_admin(pg_url).connect() as conn:
        names = conn.execute(sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'")).scalars()
        for name in [n for n in names if not n.endswith(key)]:
            _log(f"  dropping stale database {name}")
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _cold_share(ds: dataset.Dataset, backend: str, wanted: int) -> list[str]:
    """Villages for the cold walk, rotating between runs so that a shared page cache has not seen them."""
    codes = ds.meta.get("cold_villages") or []
    if not codes:
        return []
    mark = dataset.CACHE / "work" / f"cold-offset-{backend}-{ds.size}"
    offset = int(mark.read_text()) if mark.exists() else 0
    share = (codes[offset:] + codes[:offset])[:wanted]
    mark.write_text(str((offset + len(share)) % len(codes)))
    return share


def _kib_to_mb(values: list[int]) -> float:
    return round(sum(values) / len(values) / 1024, 1) if values else 0.0


def _settle(servers: list, quiet_ms: float = 2.0, longest: float = 10.0) -> None:
    """Wait until the servers have finished the warm-up's requests still in flight.

    Otherwise their CPU counts against the measured run's answers: at 20 connections and 1 s per answer
    (intake on a loaded machine) that is 20 extra requests' work on top of a few dozen measured ones.
    """
    deadline = time.monotonic() + longest
    last = sum(s.cpu_seconds() for s in servers)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = sum(s.cpu_seconds() for s in servers)
        if (now - last) * 1000 < quiet_ms:
            return
        last = now


def _measure(name: str, servers: list, plan: scenarios.Plan, bases: list[str], seconds: float, connections: int,
             workdir: Path) -> dict:
    """Warm up, then load the servers for `seconds`; CPU and memory from /proc around the measured run."""
    keep = plan.expected == 201
    if plan.once and plan.warmup_requests:
        load.run(bases[0], plan.warmup_requests, plan.expected, plan.warmup, connections, workdir, once=True)
    if not plan.once:
        if len(bases) == 1:
            load.run(bases[0], plan.requests, plan.expected, plan.warmup, connections, workdir)
        else:
            load.run_parallel(bases, plan.requests, plan.expected, plan.warmup, connections, workdir)
    _settle(servers)
    cpu_before = sum(s.cpu_seconds() for s in servers)
    rss_before = [kib for s in servers for kib in s.worker_rss_kib()]
    if len(bases) == 1:
        result = load.run(bases[0], plan.requests, plan.expected, seconds, connections, workdir,
                          keep_receipts=keep, once=plan.once)
    else:
        result = load.run_parallel(bases, plan.requests, plan.expected, seconds, connections, workdir,
                                   keep_receipts=keep)
    # Server CPU per answer: unlike rps, it hardly depends on what else runs on the machine.
    cpu_ms = (sum(s.cpu_seconds() for s in servers) - cpu_before) * 1000 / max(result.requests, 1)
    rss_after = [kib for s in servers for kib in s.worker_rss_kib()]
    raw, packed = scenarios.sizes(bases[0], plan.requests) if not keep and not plan.once else (0, 0)
    row = {"name": name, "rps": round(result.rps, 1), "p50_ms": round(result.p50_ms, 2),
           "p95_ms": round(result.p95_ms, 2), "p99_ms": round(result.p99_ms, 2), "cpu_ms": round(cpu_ms, 3),
           "requests": result.requests, "unexpected": result.mismatched + result.errors,
           "bytes": raw, "gzip_bytes": packed, "workers": len(rss_after),
           "rss_mb_before": _kib_to_mb(rss_before), "rss_mb_after": _kib_to_mb(rss_after)}
    if plan.once:
        row["distinct_pages"] = result.matched
    if keep:
        row["acknowledged"] = len(result.receipts)
        row["found"] = scenarios.track_all(bases[0], result.receipts)
    return row


def run_size(ds: dataset.Dataset, names: list[str], seconds: float, connections: int, backend: str,
             pg_url: str | None) -> dict:
    """Run every scenario against one database; return {name: row}."""
    instance = dataset.CACHE / "instance"
    work = dataset.CACHE / "work"
    work.mkdir(parents=True, exist_ok=True)
    meta = dict(ds.meta, cold_villages=_cold_share(ds, backend, COLD_PAGES))
    shared = page_cache_env(f"{backend}-{ds.size}")
    if not shared:
        _log("  no Redis answers at BENCH_REDIS_URL: each worker keeps its own pages (not the production setup)")
    try:
        rows = _run_scenarios(ds, names, seconds, connections, backend, meta, shared, instance, work)
    finally:
        drop_page_cache(shared)
    hello = rows.get("hello", {})
    for row in rows.values():
        if "rps" in row and hello.get("rps"):
            row["ratio_to_hello"] = round(row["rps"] / hello["rps"], 3)
            row["cpu_ratio_to_hello"] = round(row["cpu_ms"] / hello["cpu_ms"], 2) if hello.get("cpu_ms") else None
    return rows


def _run_scenarios(ds, names, seconds, connections, backend, meta, shared, instance, work) -> dict:
    url, rows = ds.url, {}
    with Restore(url), BenchServer(url, instance, work / f"gunicorn-{backend}-{ds.size}.log", shared) as server:
        for name in names:
            plan = scenarios.build(name, server.base, meta, backend)
            if plan.skip:
                _log(f"  {backend:10} {ds.size:>6} {name:18} skipped: {plan.skip}")
                rows[name] = {"name": name, "skipped": plan.skip}
                continue
            servers, bases, extra = [server], [server.base], None
            if name == "nginx_file":
                pages = {r.path: scenarios.fetch(server.base, r)[2] for r in plan.requests}
                extra = NginxFiles(work / "nginx", pages).__enter__()
                servers, bases = [extra], [extra.base]
            elif name == "intake_2nodes":
                extra = BenchServer(url, instance, work / f"gunicorn-{backend}-{ds.size}-node2.log", shared).__enter__()
                servers, bases = [server, extra], [server.base, extra.base]
            try:
                if not plan.once:
                    status = scenarios.fetch(bases[0], plan.requests[0])[0]
                    if status != plan.expected:
                        _log(f"  {name}: first answer was {status}, not {plan.expected}: skipped")
                        rows[name] = {"name": name, "skipped": f"answered {status}, expected {plan.expected}"}
                        continue
                row = _measure(name, servers, plan, bases, seconds, connections, work / name)
            finally:
                if extra is not None:
                    extra.__exit__()
            rows[name] = row
            found = f"  found {row['found']}/{row['acknowledged']}" if "found" in row else ""
            _log(f"  {backend:10} {ds.size:>6} {name:18} {row['rps']:8.1f} rps  p95 {row['p95_ms']:7.2f} ms  "
                 f"CPU {row['cpu_ms']:6.2f} ms/req  unexpected {row['unexpected']}{found}")
    return rows


def growth(runs: dict, sizes: list[str]) -> dict:
    """How each scenario's throughput and CPU change from one size to the next (and against the demo)."""
    out = {}
    for backend, by_size in runs.items():
        table = out.setdefault(backend, {})
        for name in scenarios.NAMES:
            prev = None
            for size in sizes:
                row = by_size.get(size, {}).get("scenarios", {}).get(name, {})
                if "rps" not in row:
                    continue
                first = next((by_size[s]["scenarios"][name] for s in sizes
                              if "rps" in by_size.get(s, {}).get("scenarios", {}).get(name, {})), row)
                entry = {"rps_vs_first": round(row["rps"] / first["rps"], 3) if first["rps"] else None,
                         "cpu_vs_first": round(row["cpu_ms"] / first["cpu_ms"], 2) if first["cpu_ms"] else None}
                if prev is not None:
                    entry["rps_vs_previous"] = round(row["rps"] / prev["rps"], 3) if prev["rps"] else None
                    entry["cpu_vs_previous"] = round(row["cpu_ms"] / prev["cpu_ms"], 2) if prev["cpu_ms"] else None
                table.setdefault(name, {})[size] = entry
                prev = row
    return out


def print_tables(result: dict) -> None:
    for backend, by_size in result["runs"].items():
        for size, run in by_size.items():
            print(f"\n{backend}, {size} villages ({run['workers']} gunicorn workers, "
                  f"{result['settings']['connections']} connections)")
            print(f"{'scenario':19}{'rps':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'CPU ms':>8}{'×hello':>7}"
                  f"{'bytes':>7}{'gzip':>6}{'RSS MB':>13}")
            for name, row in run["scenarios"].items():
                if "skipped" in row:
                    print(f"{name:19}  skipped: {row['skipped']}")
                    continue
                extra = f"  {row['found']}/{row['acknowledged']} found" if "found" in row else ""
                extra += f"  {row['distinct_pages']} distinct pages" if "distinct_pages" in row else ""
                extra += f"  {row['unexpected']} unexpected" if row["unexpected"] else ""
                print(f"{name:19}{row['rps']:8.0f}{row['p50_ms']:7.1f}{row['p95_ms']:7.1f}{row['p99_ms']:7.1f}"
                      f"{row['cpu_ms']:8.2f}{row.get('ratio_to_hello') or 0:7.2f}{row['bytes']:7}"
                      f"{row['gzip_bytes']:6}{row['rss_mb_before']:6.0f}→{row['rss_mb_after']:<6.0f}{extra}")
    sizes = result["settings"]["sizes"]
    if len(sizes) > 1:
        for backend, table in result["growth"].items():
            print(f"\n{backend}: throughput and CPU per request against the first size ({sizes[0]})")
            print(f"{'scenario':19}" + "".join(f"{s + ' rps×':>14}{'CPU×':>7}" for s in sizes[1:]))
            for name, entries in table.items():
                cells = ""
                for s in sizes[1:]:
                    e = entries.get(s)
                    cells += f"{e['rps_vs_first']:14.2f}{e['cpu_vs_first']:7.2f}" if e and e["rps_vs_first"] \
                        is not None and e["cpu_vs_first"] is not None else f"{'-':>14}{'-':>7}"
                print(f"{name:19}{cells}")
    print(f"\nintake: {result['intake']['acknowledged']} acknowledged, {result['intake']['found']} found by receipt")


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except OSError:
        return "unknown"


def main() -> int:
    seconds = float(os.environ.get("BENCH_SECONDS") or 4)
    connections = int(os.environ.get("BENCH_CONNECTIONS") or 20)
    sizes = [s for s in (os.environ.get("BENCH_SIZES") or ",".join(dataset.SIZES)).split(",") if s]
    unknown = [s for s in sizes if s not in dataset.SIZES]
    if unknown:
        print(f"unknown size(s) {', '.join(unknown)}: choose from {', '.join(dataset.SIZES)}", file=sys.stderr)
        return 2
    names = [n for n in (os.environ.get("BENCH_SCENARIOS") or ",".join(scenarios.NAMES)).split(",") if n]
    if "hello" not in names:
        names.insert(0, "hello")
    pg_url = os.environ.get("BENCH_PG_URL") or None
    out = Path(os.environ.get("BENCH_OUT") or ROOT / "instance" / "bench.json")
    started = time.monotonic()
    backends = [("sqlite", None)] + ([("postgresql", pg_url)] if pg_url else [])
    _log(f"load generator: {'wrk' if load.have_wrk() else 'Python threads (install wrk for real numbers)'}; "
         f"{connections} connections, {seconds:.0f} s per scenario; sizes {', '.join(sizes)}; "
         f"databases: {', '.join(b for b, _ in backends)}")
    os.environ.setdefault("PORTAL_INSTANCE", str(dataset.CACHE / "instance"))
    runs: dict = {}
    if pg_url:
        _drop_stale_pg(pg_url)
    for backend, url in backends:
        for size in sizes:
            ds = dataset.ensure(size, url, _log)
            rows = run_size(ds, names, seconds, connections, backend, url)
            workers = max((r.get("workers", 0) for r in rows.values()), default=0)
            runs.setdefault(backend, {})[size] = {"villages": dataset.SIZES[size], "workers": workers,
                                                  "scenarios": rows}
    acknowledged = sum(r.get("acknowledged", 0) for b in runs.values() for s in b.values()
                       for r in s["scenarios"].values())
    found = sum(r.get("found", 0) for b in runs.values() for s in b.values() for r in s["scenarios"].values())
    result = {
        "machine": {"cores": os.cpu_count(), "commit": _commit(), "python": platform.python_version(),
                    "load_generator": "wrk" if load.have_wrk() else "python"},
        "settings": {"sizes": sizes, "seconds": seconds, "connections": connections,
                     "gunicorn": "gunicorn.conf.py (docs/deploy.md), access log off, max_requests 0"},
        "runs": runs,
        "growth": growth(runs, sizes),
        "intake": {"acknowledged": acknowledged, "found": found},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_tables(result)
    print(f"\nwritten to {out} in {time.monotonic() - started:.0f} s")
    return 1 if acknowledged != found else 0


if __name__ == "__main__":
    sys.exit(main())
