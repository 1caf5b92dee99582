"""Profile one kind of request in-process with pyinstrument, against a cached benchmark database.

    .venv/bin/python -m bench.profile village_cold 30000 [COUNT]
    .venv/bin/python -m bench.profile search_chinese 30000
    .venv/bin/python -m bench.profile intake 3000

Prints the wall time per request with and without the profiler and pyinstrument's
call tree (the numbers quoted in docs/performance.md come from here). GET kinds
read the cached database itself; intake writes to a throw-away copy.
"""
import os
import shutil
import sys
import time

from bench import dataset, scenarios
from bench.load import Request

KINDS = ("village_cold", "village_warm", "search_chinese", "search_pinyin", "search_initials", "power_item",
         "api_list", "revalidate", "intake", "hello")


def _requests(kind: str, meta: dict, count: int) -> list[Request]:
    if kind == "village_cold":
        codes = (meta["cold_villages"] or meta["villages"])
        return [Request("GET", f"/villages/{c}") for c in codes[:count]]
    if kind == "village_warm":
        return [Request("GET", f"/villages/{meta['villages'][i % 10]}") for i in range(count)]
    plan = scenarios.build(kind, "", meta, "sqlite") if kind not in ("revalidate",) else None
    if kind == "revalidate":
        return [Request("GET", f"/villages/{c}") for c in meta["villages"][:count]]
    reqs = plan.requests
    return [reqs[i % len(reqs)] for i in range(count)]


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in KINDS or argv[1] not in dataset.SIZES:
        print(__doc__, file=sys.stderr)
        return 2
    kind, size = argv[0], argv[1]
    count = int(argv[2]) if len(argv) > 2 else 300
    os.environ.setdefault("PORTAL_INSTANCE", str(dataset.CACHE / "instance"))
    ds = dataset.ensure(size, None, print)
    url = ds.url
    if kind == "intake":
        copy = dataset.CACHE / "work" / f"profile-{size}.sqlite3"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(url.removeprefix("sqlite:///"), copy)
        url = f"sqlite:///{copy}"
    from pyinstrument import Profiler

    from portal import create_app

    os.environ["PORTAL_BENCH"] = "1"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    requests = _requests(kind, ds.meta, count * 2)
    half = len(requests) // 2

    def send(batch):
        for r in batch:
            headers = dict(r.headers)
            if kind == "revalidate":
                etag = client.get(r.path).headers["ETag"]
                headers["If-None-Match"] = etag
            resp = client.open(r.path, method=r.method, headers=headers, data=r.body)
            if resp.status_code >= 400:
                raise RuntimeError(f"{r.method} {r.path} answered {resp.status_code}")

    send(requests[:5])  # templates compiled, connections open
    started, cpu = time.perf_counter(), time.process_time()
    send(requests[5:half])
    plain = (time.perf_counter() - started) * 1000 / max(half - 5, 1)
    cpu_ms = (time.process_time() - cpu) * 1000 / max(half - 5, 1)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    send(requests[half:])
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    # The machine is shared: CPU time is the figure to compare, wall time includes waiting for a core.
    print(f"{kind} at {size}: {cpu_ms:.2f} ms CPU, {plain:.2f} ms wall per request in-process without the "
          f"profiler ({half - 5} requests; the tree above is wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
