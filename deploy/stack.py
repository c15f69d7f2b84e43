"""`make stack`: the production stack of SPEC §8 on loopback, from Debian's packages.

nginx (static files, buffering, gzip, timeouts, the request size limit) in front of two app nodes
(gunicorn, `deploy/gunicorn.conf.py`), each with its own search index and page cache, sharing one
PostgreSQL 15 server and one Redis (rate limits, login throttling, the job queue); a job worker
(`flask jobs work`) runs the back office's imports from RQ and sends the mail outbox. Everything
lives under one directory (STACK_DIR, default instance/stack): the database survives a restart, the demo is loaded
once. `make load-stack` drives the same stack with the load mix and its faults.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NODES = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port} after {seconds:.0f} s")


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a set-up command; when it fails, say what it printed."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class Stack:
    directory: Path
    port: int = field(default_factory=free_port)
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    node_ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(NODES)])
    env_extra: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@/tthc?host={self.directory}&port={self.pg_port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def node_env(self, number: int) -> dict[str, str]:
        node = self.directory / f"node{number}"
        secret = self.directory / "secret_key"
        if not secret.exists():
            secret.write_text(os.urandom(32).hex())
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secret.read_text(),
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{self.redis_port}/0",
            "JOBS_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
            "TRUSTED_PROXIES": "1",
            "SEARCH_INDEX_DIR": str(node / "index"),
            "PAGE_CACHE_DIR": str(node / "page-cache"),
            "UPLOAD_DIR": str(self.directory / "uploads"),
            "GUNICORN_BIND": f"127.0.0.1:{self.node_ports[number - 1]}",
            "TTHC_DEMO": "1",
            "SITE_URL": self.url,
            # Served over plain HTTP on loopback here; behind TLS in production, drop this.
            "SESSION_COOKIE_SECURE": "0",
            **self.env_extra,
        }

    # -- the parts --------------------------------------------------------------------------

    def start_postgres(self) -> None:
        data = self.directory / "pg"
        if not (data / "PG_VERSION").exists():
            data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(data, "postgres")
                shutil.chown(self.directory, "postgres")
            _run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]))
        # No TCP, and a socket only its owner may use (trust authentication is for loopback tests).
        options = f"-p {self.pg_port} -k {self.directory} -c listen_addresses='' -c unix_socket_permissions=0700"
        _run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "-o", options, "start"]
            )
        )
        created = _run(
            _as_postgres(
                [str(PG_BIN / "psql"), "-h", str(self.directory), "-p", str(self.pg_port), "-U", "postgres"]
                + ["-tAc", "SELECT 1 FROM pg_database WHERE datname = 'tthc'"]
            )
        )
        if created.stdout.strip() != "1":
            _run(
                _as_postgres(
                    [str(PG_BIN / "createdb"), "-h", str(self.directory), "-p", str(self.pg_port), "-U", "postgres"]
                    + ["tthc"]
                )
            )

    def stop_postgres(self) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "pg"), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )

    def start_redis(self) -> None:
        # Rate-limit counters only: nothing in Redis needs to outlive a restart.
        self.processes["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        _wait_for(self.redis_port)

    def stop_redis(self) -> None:
        self._stop("redis")

    def prepare(self) -> None:
        """Migrate, load the demo once, and build each node's search index."""
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        env = self.node_env(1)
        for command in (["db", "upgrade"], ["seed-demo", "--if-empty"]):
            _run(flask + command, env=env, cwd=ROOT)
        for number in range(1, NODES + 1):
            if not any((self.directory / f"node{number}" / "index").glob("*.toc")):
                subprocess.run(flask + ["search", "reindex"], env=self.node_env(number), cwd=ROOT, check=True)

    def start_node(self, number: int) -> None:
        self.processes[f"node{number}"] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
            env=self.node_env(number),
            cwd=ROOT,
        )
        _wait_for(self.node_ports[number - 1])

    def kill_node(self, number: int) -> None:
        """SIGKILL a node's master and its workers at once, as a crashed machine would go."""
        process = self.processes.pop(f"node{number}")
        workers = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in [process.pid, *map(int, workers)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()

    def start_worker(self) -> None:
        """The job worker: the imports queued on RQ, and the mail outbox (SPEC §6) every
        OUTBOX_INTERVAL seconds."""
        self.processes["worker"] = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "work"], env=self.node_env(1), cwd=ROOT
        )

    def start_nginx(self) -> None:
        prefix = self.directory / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        for name, value in {
            "@PREFIX@": str(prefix),
            "@ROOT@": str(ROOT),
            "@PORT@": str(self.port),
            "@NODE1@": str(self.node_ports[0]),
            "@NODE2@": str(self.node_ports[1]),
        }.items():
            conf = conf.replace(name, value)
        (prefix / "nginx.conf").write_text(conf)
        self.processes["nginx"] = subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        )
        _wait_for(self.port)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.start_postgres()
        self.start_redis()
        self.prepare()
        for number in range(1, NODES + 1):
            self.start_node(number)
        self.start_worker()
        self.start_nginx()

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self) -> None:
        for name in ["nginx", "worker", *(f"node{n}" for n in range(1, NODES + 1)), "redis"]:
            self._stop(name)
        self.stop_postgres()


def main() -> int:
    stack = Stack(Path(os.environ.get("STACK_DIR", ROOT / "instance" / "stack")).resolve())
    port = os.environ.get("STACK_PORT")
    if port:
        stack.port = int(port)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop cleanly on SIGTERM as on Ctrl-C
    try:
        stack.start()
        print(f"the stack answers at {stack.url} (nginx, {NODES} app nodes, PostgreSQL, Redis); Ctrl-C stops it")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
