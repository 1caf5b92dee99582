"""Load generators: wrk with a Lua script when installed, a Python one otherwise."""
import http.client
import json
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LUA = Path(__file__).with_name("latency.lua")
RECEIPT = re.compile(r'"receipt"\s*:\s*"([^"]+)"')


@dataclass
class Request:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: str | None = None


@dataclass
class Result:
    requests: int
    seconds: float
    matched: int
    mismatched: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    receipts: list[str]

    @property
    def rps(self) -> float:
        return self.matched / self.seconds if self.seconds else 0.0


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _lua_requests(requests: list[Request]) -> str:
    parts = []
    for r in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers.items())
        body = _lua_string(r.body) if r.body is not None else "nil"
        parts.append(f"{{method = {_lua_string(r.method)}, path = {_lua_string(r.path)}, "
                     f"headers = {{{headers}}}, body = {body}}}")
    return "return {\n" + ",\n".join(parts) + "\n}\n"


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


WRK_THREADS = 2


def run(base: str, requests: list[Request], expected: int, seconds: float, connections: int, workdir: Path,
        keep_receipts: bool = False, once: bool = False) -> Result:
    """Send the requests round-robin at `connections` concurrent connections for `seconds`.

    once: send each request at most once (a walk over pages never asked for before).
    """
    if have_wrk():
        return _finish_wrk(_start_wrk(base, requests, expected, seconds, connections, workdir, keep_receipts, once),
                           workdir, seconds)
    return _run_python(base, requests, expected, seconds, connections, keep_receipts, once)


def run_parallel(bases: list[str], requests: list[Request], expected: int, seconds: float, connections: int,
                 workdir: Path, keep_receipts: bool = False) -> Result:
    """Load several nodes at once, connections split between them; one combined result."""
    if not have_wrk():
        raise RuntimeError("loading several nodes needs wrk")
    share = max(connections // len(bases), 1)
    dirs = [workdir / f"node{i}" for i in range(len(bases))]
    procs = [_start_wrk(b, requests, expected, seconds, share, d, keep_receipts, False)
             for b, d in zip(bases, dirs, strict=True)]
    parts = [_finish_wrk(p, d, seconds) for p, d in zip(procs, dirs, strict=True)]
    duration = max(p.seconds for p in parts)
    # Percentiles cannot be merged exactly: report the worst node's, which bounds the combined one.
    return Result(sum(p.requests for p in parts), duration, sum(p.matched for p in parts),
                  sum(p.mismatched for p in parts), sum(p.errors for p in parts), max(p.p50_ms for p in parts),
                  max(p.p95_ms for p in parts), max(p.p99_ms for p in parts), [r for p in parts for r in p.receipts])


def _start_wrk(base, requests, expected, seconds, connections, workdir: Path, keep_receipts, once):
    workdir.mkdir(parents=True, exist_ok=True)
    spec = workdir / "requests.lua"
    spec.write_text(_lua_requests(requests), encoding="utf-8")
    prefix = workdir / "receipts"
    for old in workdir.glob("receipts.*"):
        old.unlink()
    threads = min(WRK_THREADS, connections)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(int(seconds), 1)}s", "--timeout", "10s",
           "-s", str(LUA), base, "--", str(spec), str(expected), str(prefix) if keep_receipts else "",
           "once" if once else "", str(threads)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish_wrk(proc, workdir: Path, seconds: float) -> Result:
    stdout, stderr = proc.communicate(timeout=seconds + 60)
    line = next((ln for ln in stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {stdout[-1000:]} {stderr[-1000:]}")
    data = json.loads(line.split(" ", 1)[1])
    receipts = []
    for path in sorted(workdir.glob("receipts.*")):
        receipts += [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    # A thread that finished its share early idles until wrk's end: its own clock is the true span.
    duration = data["clock_us"] if data["stopped"] and data["clock_us"] else data["duration_us"]
    return Result(data["requests"], duration / 1e6, data["matched"], data["mismatched"], data["errors"],
                  data["p50_us"] / 1000, data["p95_us"] / 1000, data["p99_us"] / 1000, receipts)


def _run_python(base, requests, expected, seconds, connections, keep_receipts, once=False) -> Result:
    """A threaded keep-alive client; slower than wrk, so its numbers are a lower bound."""
    host = urlsplit(base)
    if once:
        seconds = min(seconds, 3600)
        pending = list(reversed(requests))
    latencies, receipts, counts = [], [], {"matched": 0, "mismatched": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        i = offset
        mine, got = [], {"matched": 0, "mismatched": 0, "errors": 0}
        while time.monotonic() < deadline:
            if once:
                with lock:
                    if not pending:
                        break
                    r = pending.pop()
            else:
                r = requests[i % len(requests)]
            i += 1
            start = time.perf_counter()
            try:
                conn.request(r.method, r.path, body=r.body.encode() if r.body else None, headers=r.headers)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException):
                got["errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
            if resp.status == expected:
                got["matched"] += 1
                if keep_receipts and (m := RECEIPT.search(body.decode(errors="replace"))):
                    with lock:
                        receipts.append(m.group(1))
            else:
                got["mismatched"] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for k, v in got.items():
                counts[k] += v

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n * 7919,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return Result(len(latencies), elapsed, counts["matched"], counts["mismatched"], counts["errors"],
                  cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, receipts)
