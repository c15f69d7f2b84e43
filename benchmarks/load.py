"""`make load`: the demo behind 4 gunicorn workers on loopback, bounded in time.

1. Static baseline: many clients fetch a static file; requests per second.
2. The mix: search, procedure pages, late tables, satisfaction, the API and feedback (read and
   posted, CSRF included) from many clients, procedures and questions drawn with a long tail
   (`Demand`); errors, throughput (and its share of the static figure), p50 and p95 per kind,
   the share the page cache served; then the same mix on a server with the page cache off.
3. Faults: feedback posted while a worker is killed with SIGKILL (every acknowledged tracking code
   must be retrievable); the search index deleted under load (pages keep answering, the index comes
   back); concurrent writes on SQLite (never a 500).
Exits non-zero when a check fails. LOAD_SECONDS sets each phase's length (default 15).
"""

from __future__ import annotations

import http.client
import itertools
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("LOAD_SECONDS", "15"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "24"))
WORKERS = 4
QUESTIONS = [
    "đăng ký khai sinh",
    "cap lai cmnd bi mat",
    "sổ đỏ",
    "giấy phép xây dựng",
    "đăng ký kết hôn",
    "chứng thực bản sao",
    "thành lập doanh nghiệp",
    "giấy phép lái xe",
    "hộ khẩu",
    "trợ cấp thất nghiệp",
]
MONTHS = [f"2022-0{m}" for m in range(1, 9)]
# X-Page-Cache answers seen (hit or miss), to report how much of the mix the page cache served.
PAGE_CACHE: Counter = Counter()
_page_cache_lock = threading.Lock()


class Client:
    """One keep-alive HTTP connection with its own cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(
        self, method: str, path: str, body: dict | None = None, raw: tuple[str, bytes] | None = None
    ) -> tuple[int, dict, bytes]:
        """`body` is sent as a form; `raw` is (content type, bytes), such as a multipart upload."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        data: str | bytes | None = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif raw is not None:
            headers["Content-Type"], data = raw
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                break
            except (TimeoutError, ConnectionError, http.client.HTTPException):
                self.connection = None
                if attempt:
                    raise
        kept = response.getheader("X-Page-Cache")
        if kept:
            with _page_cache_lock:
                PAGE_CACHE[kept] += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), payload


class Demand:
    """What visitors ask for: a few things often and a long tail. Procedures are asked for by
    Zipf's law over the whole demo catalogue (the n-th most wanted 1/n as often as the first), and
    half of the searches are the first words of such a procedure's name, half a common question."""

    def __init__(self, procedures: list[tuple[str, str]]):
        random.Random(7).shuffle(procedures)  # popularity has nothing to do with the code's order
        self.procedures = procedures
        self.weights = list(itertools.accumulate(1 / rank for rank in range(1, len(procedures) + 1)))

    def procedure(self, rng: random.Random) -> tuple[str, str]:
        return rng.choices(self.procedures, cum_weights=self.weights)[0]

    def question(self, rng: random.Random) -> str:
        if rng.random() < 0.5:
            return rng.choice(QUESTIONS)
        return " ".join(self.procedure(rng)[1].lower().split()[: rng.randint(2, 4)])

    @classmethod
    def of(cls, database_url: str) -> Demand:
        from sqlalchemy import select

        from app import create_app
        from app.db import get_session
        from app.models import Procedure

        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "load", "PAGE_CACHE_SECONDS": 0})
        with app.app_context():
            rows = get_session().execute(select(Procedure.code, Procedure.name).order_by(Procedure.code)).all()
        return cls([tuple(row) for row in rows])


DEMAND: Demand | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(port: int, clients: int, seconds: float, work) -> dict:
    """Run `work(client, rng)` -> kind in `clients` threads for `seconds`; latencies by kind."""
    results: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    error_times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop(number: int, port: int) -> None:
        client, rng = Client(port), random.Random(number)
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                kind, ok = work(client, rng)
            except Exception as exc:  # a dropped connection counts as an error
                kind, ok = "error", f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                results[kind].append(elapsed)
                if ok is not True:
                    errors.append(str(ok))
                    error_times.append(time.monotonic())

    threads = [threading.Thread(target=loop, args=(n, port)) for n in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latency": results, "errors": errors, "error_times": error_times, "seconds": time.monotonic() - begin}


def _ok(status: int, expected=(200,)) -> bool | str:
    return True if status in expected else f"status {status}"


def _post_feedback(client: Client, rng: random.Random, acknowledged: list[str] | None = None):
    status, _headers, body = client.request("GET", "/feedback/new")
    match = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or not match:
        return "feedback", f"form status {status}"
    status, headers, _body = client.request(
        "POST",
        "/feedback/new",
        {
            "csrf_token": match.group(1).decode(),
            "kind": "phan_anh",
            "content": f"Phản ánh thử tải số {rng.randrange(10**9)}",
            "publish_consent": "1",
        },
    )
    if status != 303:
        return "feedback", f"post status {status}"
    if acknowledged is not None:
        acknowledged.append(headers["Location"].rsplit("/", 1)[1])
    return "feedback", True


def mix(client: Client, rng: random.Random):
    roll = rng.random()
    if roll < 0.30:
        kind, path = "search", "/procedures?" + urllib.parse.urlencode({"q": DEMAND.question(rng)})
    elif roll < 0.45:
        kind, path = "procedure", f"/procedures/{DEMAND.procedure(rng)[0]}"
    elif roll < 0.60:
        kind, path = "late", f"/late?month={rng.choice(MONTHS)}"
    elif roll < 0.70:
        kind, path = "satisfaction", f"/satisfaction?month={rng.choice(MONTHS)}"
    elif roll < 0.90:
        kind, path = (
            "api",
            rng.choice(
                [
                    f"/api/v1/late/agencies?month={rng.choice(MONTHS)}",
                    "/api/v1/procedures?" + urllib.parse.urlencode({"q": DEMAND.question(rng)}),
                    f"/api/v1/satisfaction?month={rng.choice(MONTHS)}",
                ]
            ),
        )
    else:
        return _post_feedback(client, rng)
    status, _headers, _body = client.request("GET", path)
    return kind, _ok(status)


def static(client: Client, _rng: random.Random):
    status, _headers, _body = client.request("GET", "/static/css/site.css")
    return "static", _ok(status)


def _report(label: str, run: dict) -> float:
    total = sum(len(v) for v in run["latency"].values())
    rate = total / run["seconds"]
    print(f"  {label:<34} {total:>7} requests  {rate:8.1f}/s  errors {len(run['errors'])}")
    for kind, samples in sorted(run["latency"].items()):
        samples.sort()
        print(
            f"    {kind:<14} n={len(samples):<6} p50 {statistics.median(samples):7.1f} ms"
            f"   p95 {samples[int(0.95 * (len(samples) - 1))]:7.1f} ms"
        )
    return rate


def _workers(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def _serve(env: dict, port: int) -> subprocess.Popen:
    """gunicorn with WORKERS workers on `port`, once it answers."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            Client(port).request("GET", "/")
            break
        except OSError:
            time.sleep(0.2)
    return server


def _without_page_cache(env: dict) -> float:
    """The same mix on a second server whose page cache is off: what rendering alone sustains."""
    port = _free_port()
    server = _serve(dict(env, PAGE_CACHE_SECONDS="0"), port)
    try:
        _run(port, CLIENTS, 3, mix)
        return _report("the same, page cache off", _run(port, CLIENTS, SECONDS, mix))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=os.environ.get("LOAD_DATABASE_URL", f"sqlite:///{tmp}/load.sqlite3"),
            SECRET_KEY="load",
            SEARCH_INDEX_DIR=f"{tmp}/index",
            TTHC_DEMO="1",
            RATELIMIT_ENABLED="0",
            SESSION_COOKIE_SECURE="0",
            UPLOAD_DIR=f"{tmp}/uploads",
            PAGE_CACHE_DIR=f"{tmp}/page-cache",
        )
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        start = time.perf_counter()
        for command in (["db", "upgrade"], ["seed-demo"], ["search", "reindex"]):
            subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)
        global DEMAND
        DEMAND = Demand.of(env["DATABASE_URL"])
        print(
            f"== load: the demo behind {WORKERS} gunicorn workers, {CLIENTS} clients, {SECONDS:.0f} s a phase "
            f"(demo loaded in {time.perf_counter() - start:.0f} s) =="
        )
        port = _free_port()
        server = _serve(env, port)
        try:
            _run(port, CLIENTS, 3, mix)  # every worker opens the index and its caches
            static_rate = _report("static file", _run(port, CLIENTS, SECONDS, static))
            PAGE_CACHE.clear()
            run = _run(port, CLIENTS, SECONDS, mix)
            page_rate = _report("mixed pages, API and feedback", run)
            kept = sum(PAGE_CACHE.values())
            print(
                f"  page cache: {PAGE_CACHE['hit']} of {kept} public pages served from the page cache "
                f"({PAGE_CACHE['hit'] / max(kept, 1):.1%}); the rest rendered"
            )
            share = page_rate / static_rate
            verdict = "met" if share >= 0.25 else "NOT met"
            print(f"  pages / static throughput: {share:.1%} (target at least 25%: {verdict})")
            cold = _without_page_cache(env)
            print(f"  pages / static throughput with the page cache off: {cold / static_rate:.1%}")
            if run["errors"]:
                failures.append(f"mix: {len(run['errors'])} errors, e.g. {run['errors'][:3]}")

            print("== faults ==")
            acknowledged: list[str] = []
            killer = threading.Timer(SECONDS / 3, lambda: os.kill(_workers(server.pid)[0], signal.SIGKILL))
            killer.start()
            run = _run(port, CLIENTS // 2, SECONDS, lambda c, r: _post_feedback(c, r, acknowledged))
            killer.join()
            lost = [code for code in acknowledged if Client(port).request("GET", f"/feedback/{code}")[0] != 200]
            print(
                f"  feedback while a worker is killed (SIGKILL): {len(acknowledged)} acknowledged, "
                f"{len(lost)} not retrievable, {len(run['errors'])} failed requests "
                f"({len(_workers(server.pid))} workers after)"
            )
            if lost:
                failures.append(f"{len(lost)} acknowledged feedback lost")

            index = Path(env["SEARCH_INDEX_DIR"])
            remover = threading.Timer(1.0, lambda: shutil.rmtree(index, ignore_errors=True))
            remover.start()
            deleted_at = time.monotonic() + 1.0
            run = _run(port, CLIENTS, SECONDS, mix)
            remover.join()
            probe = Client(port)
            for _ in range(120):  # searches keep asking for the index until one worker has rebuilt it
                if any(index.glob("*.toc")):
                    break
                probe.request("GET", "/procedures?q=khai+sinh")
                time.sleep(0.5)
            back = any(index.glob("*.toc"))
            errors = [e for e in run["errors"] if "status 5" in e]
            state = f"back after {time.monotonic() - deleted_at:.0f} s" if back else "never came back"
            print(
                f"  search index deleted under load: {sum(len(v) for v in run['latency'].values())} requests, "
                f"{len(errors)} server errors; the index came {state}"
            )
            if errors or not back:
                failures.append(f"index deleted: {len(errors)} server errors, rebuilt={back}")

            run = _run(port, CLIENTS, SECONDS / 2, _post_feedback)
            server_errors = [e for e in run["errors"] if "status 5" in e]
            print(
                f"  concurrent writes ({env['DATABASE_URL'].split(':')[0]}): "
                f"{len(run['latency'].get('feedback', []))} posts, {len(server_errors)} server errors, "
                f"{len(run['errors'])} failures"
            )
            if run["errors"]:
                failures.append(f"concurrent writes: {run['errors'][:3]}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        failures += _rate_limits_across_workers(env, tmp)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _rate_limits_across_workers(env: dict, tmp: str) -> list[str]:
    """12 ratings from one client against 5 a minute, through WORKERS workers: counted in each
    worker's memory, then in the SQLite file that `make serve` gives them (5 accepted, 7 refused)."""
    failures = []
    for label, uri in (("in memory", "memory://"), ("in a shared SQLite file", f"sqlite:///{tmp}/limits.sqlite3")):
        port = _free_port()
        limited = dict(env, RATELIMIT_ENABLED="1", RATELIMIT_STORAGE_URI=uri, RATING_RATE_LIMIT="5 per minute")
        server = _serve(limited, port)
        try:
            accepted, refused = _rate_limit_is_shared(port)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        print(
            f"  12 ratings against 5 a minute, {WORKERS} workers counting {label}: "
            f"{accepted} accepted, {refused} refused"
        )
        if uri != "memory://" and (accepted, refused) != (5, 7):
            failures.append(f"rate limits across workers: {accepted} accepted, {refused} refused, not 5 and 7")
    return failures


# Requests may fail while a part is down and until its clients notice it is back: no longer.
GRACE = 5.0


def _retrievable(port: int, codes: list[str]) -> list[str]:
    """The acknowledged tracking codes whose page does not answer (lost feedback)."""
    probe = Client(port)
    return [code for code in codes if probe.request("GET", f"/feedback/{code}")[0] != 200]


def _mix_keeping(acknowledged: list[str]):
    """The mix, its feedback posts' tracking codes kept in `acknowledged`."""

    def work(client: Client, rng: random.Random):
        if rng.random() < 0.15:
            return _post_feedback(client, rng, acknowledged)
        return mix(client, rng)

    return work


def _outage(port: int, label: str, stop, start, failures: list[str]) -> None:
    """Run the mix while a part is stopped for 3 s and started again; errors only meanwhile."""
    acknowledged: list[str] = []
    window: list[float] = []

    def cycle() -> None:
        window.append(time.monotonic())
        stop()
        time.sleep(3)
        start()
        window.append(time.monotonic())

    timer = threading.Timer(SECONDS / 3, cycle)
    timer.start()
    run = _run(port, CLIENTS, SECONDS, _mix_keeping(acknowledged))
    timer.join()
    if len(window) != 2:
        failures.append(f"{label}: could not be stopped and started again")
        return
    down, up = window
    outside = [t for t in run["error_times"] if not down <= t <= up + GRACE]
    lost = _retrievable(port, acknowledged)
    total = sum(len(v) for v in run["latency"].values())
    print(
        f"  {label} restarted under load (down {up - down:.1f} s): {total} requests, {len(run['errors'])} errors,"
        f" {len(outside)} of them outside the outage; {len(acknowledged)} feedback acknowledged, {len(lost)} lost"
    )
    if outside or lost:
        failures.append(f"{label}: {len(outside)} errors outside the outage, {len(lost)} acknowledged feedback lost")


def _slow_socket(port: int) -> socket.socket | None:
    """A connection that has sent the start of a request's headers and will never finish them."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        return s
    except OSError:
        return None


def _slowloris(port: int, sockets: int, stop: threading.Event) -> int:
    """Hold `sockets` connections that send a request's headers a few bytes at a time, never ending them."""
    held = [s for s in (_slow_socket(port) for _ in range(sockets)) if s is not None]
    while not stop.wait(1.0):
        for s in list(held):
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:  # nginx's client_header_timeout closed it: open another
                held.remove(s)
                again = _slow_socket(port)
                if again is not None:
                    held.append(again)
    for s in held:
        s.close()
    return len(held)


def _rate_limit_is_shared(port: int) -> tuple[int, int]:
    """Post 12 ratings from one client through nginx (which spreads them over both nodes) against
    a limit of 5 a minute: (accepted, refused) must be (5, 7) when the nodes share the counts."""
    client = Client(port)
    _status, _headers, body = client.request("GET", "/api/v1/late/agencies?month=2022-08")
    agency = re.search(rb'"agency_code":\s*"([^"]+)"', body).group(1).decode()
    answers = Counter()
    for _ in range(12):
        _status, _headers, form = client.request("GET", "/ratings/new")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', form).group(1).decode()
        status, _headers, _body = client.request(
            "POST", "/ratings/new", {"csrf_token": token, "agency_code": agency, "overall": "satisfied"}
        )
        answers[status] += 1
    return answers[303], answers[429]


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple[str, bytes]:
    boundary = f"----load{random.getrandbits(64):x}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _csrf(body: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()


def _until_finished(client: Client, page: str, seconds: float = 300) -> tuple[bytes, float]:
    """Poll a job's page as htmx would until it stops asking to be polled."""
    start = time.perf_counter()
    while True:
        status, _headers, body = client.request("GET", page)
        if status == 200 and b'hx-trigger="every 1s"' not in body:
            return body, time.perf_counter() - start
        if time.perf_counter() - start > seconds:
            raise TimeoutError(f"{page} still running after {seconds:.0f} s")
        time.sleep(0.5)


def _import_through_jobs(stack, port: int, rows: int = 20000) -> tuple[float, float]:
    """An editor uploads `rows` officers through nginx; the preview and the import run on the job
    worker (RQ); return the seconds each took as the job's page showed them."""
    email, password = "load-editor@tinh.gov.vn", "mat-khau-tai-kiem-thu-1"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "create-admin", email, "--password-stdin", "--role", "editor"],
        input=password.encode(),
        env=stack.node_env(1),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    client = Client(port)
    _status, _headers, body = client.request("GET", "/api/v1/late/agencies?month=2022-08")
    agency = re.search(rb'"agency_code":\s*"([^"]+)"', body).group(1).decode()
    _status, _headers, form = client.request("GET", "/admin/login")
    status, _headers, _body = client.request(
        "POST", "/admin/login", {"csrf_token": _csrf(form), "email": email, "password": password}
    )
    assert status == 303, f"login through the stack: {status}"
    lines = ["officer_code,officer_name,officer_title,agency_code"]
    lines += [f"LOAD{n},Cán bộ tải {n},,{agency}" for n in range(rows)]
    _status, _headers, form = client.request("GET", "/admin/imports")
    upload = _multipart(
        {"csrf_token": _csrf(form), "kind": "officers"}, "file", "can-bo.csv", "\n".join(lines).encode()
    )
    status, headers, _body = client.request("POST", "/admin/imports", raw=upload)
    assert status == 303, f"upload: {status}"
    body, preview_seconds = _until_finished(client, headers["Location"])
    assert f"<strong>{rows:,}".replace(",", ".").encode() in body, "the preview counts every new row"
    confirm = dict(re.findall(rb'<input type="hidden" name="(token|kind|csrf_token)" value="([^"]+)"', body))
    status, headers, _body = client.request(
        "POST", "/admin/imports/confirm", {k.decode(): v.decode() for k, v in confirm.items()}
    )
    assert status == 303, f"confirm: {status}"
    body, import_seconds = _until_finished(client, headers["Location"])
    assert "Đã nhập: imported".encode() in body, "the import's page says it is done"
    return preview_seconds, import_seconds


def stack_main() -> int:
    """`make load-stack`: the mix and the faults against `make stack` (nginx, two nodes, PostgreSQL, Redis)."""
    from deploy.stack import Stack

    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # PostgreSQL runs as its own user, who must reach its data directory
        stack = Stack(
            Path(tmp) / "stack",
            env_extra={"FEEDBACK_RATE_LIMIT": "1000000 per minute", "RATING_RATE_LIMIT": "5 per minute"},
        )
        start = time.perf_counter()
        try:
            stack.start()
            global DEMAND
            DEMAND = Demand.of(stack.database_url)
            port = stack.port
            print(
                f"== load against the stack: nginx, 2 app nodes of 2 workers, PostgreSQL, Redis; {CLIENTS} clients,"
                f" {SECONDS:.0f} s a phase (started and loaded in {time.perf_counter() - start:.0f} s) =="
            )
            _run(port, CLIENTS, 3, mix)  # every worker opens the index and its caches
            static_rate = _report("static file (served by nginx)", _run(port, CLIENTS, SECONDS, static))
            run = _run(port, CLIENTS, SECONDS, mix)
            page_rate = _report("mixed pages, API and feedback", run)
            print(f"  pages / nginx static throughput: {page_rate / static_rate:.1%}")
            if run["errors"]:
                failures.append(f"stack mix: {len(run['errors'])} errors, e.g. {run['errors'][:3]}")

            accepted, refused = _rate_limit_is_shared(port)
            print(f"  12 ratings against 5 a minute across both nodes: {accepted} accepted, {refused} refused")
            if (accepted, refused) != (5, 7):
                failures.append(f"rate limit not shared by the nodes: {accepted} accepted")

            try:
                preview_seconds, import_seconds = _import_through_jobs(stack, port)
                print(
                    f"  back-office import of 20.000 officers on the job worker (RQ): preview {preview_seconds:.1f} s,"
                    f" import {import_seconds:.1f} s, followed on the job's page"
                )
            except (AssertionError, TimeoutError, subprocess.CalledProcessError) as exc:
                failures.append(f"import through the job worker: {exc}")

            print("== faults against the stack ==")
            stop = threading.Event()
            holder = threading.Thread(target=lambda: print(f"    ({_slowloris(port, 400, stop)} slow sockets held)"))
            holder.start()
            time.sleep(2)
            run = _run(port, CLIENTS, SECONDS, mix)
            stop.set()
            holder.join()
            slow_rate = _report("the mix beside 400 slowloris sockets", run)
            print(f"  throughput kept beside slow clients: {slow_rate / page_rate:.1%}")
            if run["errors"] or slow_rate < 0.5 * page_rate:
                failures.append(f"slowloris: {len(run['errors'])} errors, {slow_rate / page_rate:.0%} of the rate")

            acknowledged: list[str] = []
            killer = threading.Timer(SECONDS / 3, lambda: stack.kill_node(1))
            killer.start()
            run = _run(port, CLIENTS // 2, SECONDS, lambda c, r: _post_feedback(c, r, acknowledged))
            killer.join()
            lost = _retrievable(port, acknowledged)
            print(
                f"  feedback while app node 1 is killed (SIGKILL, master and workers):"
                f" {len(acknowledged)} acknowledged,"
                f" {len(lost)} lost, {len(run['errors'])} failed requests; nginx sent the rest to node 2"
            )
            if lost:
                failures.append(f"node killed: {len(lost)} acknowledged feedback lost")
            stack.start_node(1)

            _outage(port, "Redis", stack.stop_redis, stack.start_redis, failures)
            _outage(port, "PostgreSQL", stack.stop_postgres, stack.start_postgres, failures)
        finally:
            stack.stop()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(stack_main() if "--stack" in sys.argv[1:] else main())
