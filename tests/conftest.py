"""Test fixtures: every test gets a database built by the Alembic migrations.

By default each test copies a migrated SQLite file. With DATABASE_URL naming a PostgreSQL server
(`postgresql+psycopg://postgres@/postgres?host=/tmp&port=5433`), each test gets its own database,
cloned from a migrated template database on that server, and the whole suite runs there.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.db import get_session, upgrade
from app.imports.agencies import import_agencies
from app.imports.procedures import import_procedures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared" / "data"
CATALOGUE = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
PASSWORD = "mat-khau-du-dai-1"  # long enough for the back office's accounts


def pytest_sessionstart(session):
    """Stop at once without the compiled English catalogue: the English tests would fail obscurely."""
    source = CATALOGUE.with_suffix(".po")
    if not CATALOGUE.exists() or CATALOGUE.stat().st_mtime < source.stat().st_mtime:
        state = "is missing" if not CATALOGUE.exists() else "is older than messages.po"
        pytest.exit(
            f"{CATALOGUE.relative_to(ROOT)} {state}: run `make install` "
            "(or `pybabel compile -d app/translations`) first",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


SERVER = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgresql") else ""


class Databases:
    """Fresh migrated databases: copies of a SQLite file, or clones of a PostgreSQL template."""

    def __init__(self, directory: Path):
        self.created: list[str] = []
        if SERVER:
            self.admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
            self.template = f"tthc_template_{os.getpid()}"
            self._sql(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            self._sql(f'CREATE DATABASE "{self.template}"')
            self.template_url = self._url(self.template)
        else:
            self.template_url = f"sqlite:///{directory / 'template.sqlite3'}"
        upgrade(self.template_url)
        if SERVER:
            create_engine(self.template_url).dispose()

    def _url(self, name: str) -> str:
        return make_url(SERVER).set(database=name).render_as_string(hide_password=False)

    def _sql(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def new(self, directory: Path) -> str:
        """The URL of a new database holding the migrated schema."""
        if not SERVER:
            path = directory / f"test-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copy(self.template_url.removeprefix("sqlite:///"), path)
            return f"sqlite:///{path}"
        name = f"tthc_test_{uuid.uuid4().hex[:12]}"
        self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return self._url(name)

    def close(self) -> None:
        if SERVER:
            for name in self.created + [self.template]:
                self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """The template migrated once per run; tests clone it instead of migrating again."""
    found = Databases(tmp_path_factory.mktemp("template"))
    yield found
    found.close()


def make_app(databases: Databases, directory: Path, **extra):
    """An app on a new database, its search index under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "DATABASE_URL": databases.new(directory),
        "SEARCH_INDEX_DIR": str(directory / "index"),
        "WTF_CSRF_ENABLED": True,
        "UPLOAD_DIR": str(directory / "uploads"),
        "PAGE_CACHE_DIR": str(directory / "page-cache"),
        # Background jobs run inside the request that submits them (tests/test_jobs.py runs them
        # in a thread and on RQ).
        "JOBS_RUNNER": "inline",
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture
def app(databases, tmp_path):
    return make_app(databases, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    with app.app_context():
        yield get_session()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def loaded(app):
    """The small catalogue: the agencies and procedures of the fixture files, in every source format."""
    load(
        app,
        (import_agencies, "agencies.csv"),
        (import_procedures, "national-sample.jsonl"),
        (import_procedures, "portal-sample.json"),
        (import_procedures, "procedures-table.csv"),
    )
    return app


def load(app, *steps) -> None:
    """Run imports in their own app context, committed before the test's requests; the index follows."""
    with app.app_context():
        session = get_session()
        for importer, name in steps:
            report = importer(session, fixture_bytes(name))
            assert report.applied, report.rejected
        session.commit()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def require_shared() -> Path:
    """The real corpus: skipped on a user's machine without it, never in CI."""
    if not SHARED.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the real data is missing: {SHARED}")
        pytest.skip("../shared/data is not present")
    return SHARED


def soup(response) -> BeautifulSoup:
    """The parsed HTML of a response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def token(client, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    return soup(client.get(path)).select_one("input[name=csrf_token]")["value"]


def post(client, path: str, form_page: str, **data):
    """Post `data` to `path` with the CSRF token of the form on `form_page`."""
    return client.post(path, data={"csrf_token": token(client, form_page), **data})


def login(client, email: str, password: str = PASSWORD):
    """Sign in to the back office."""
    return post(client, "/admin/login", "/admin/login", email=email, password=password)
