"""Test fixtures: every test gets a database built by the Alembic migrations."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app import create_app
from app.db import get_session, upgrade

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A database migrated once per run; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def make_app(db_path: Path, **extra):
    config = {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{db_path}",
              "SEARCH_INDEX_DIR": str(db_path.parent / "index"), "WTF_CSRF_ENABLED": True}
    config.update(extra)
    return create_app(config)


@pytest.fixture
def app(template_db, tmp_path):
    db_path = tmp_path / "test.sqlite3"
    shutil.copy(template_db, db_path)
    return make_app(db_path)


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


def load(app, *steps) -> None:
    """Run imports in their own app context, closed before the test's requests; the index follows."""
    from app.cli import sync_index

    with app.app_context():
        session = get_session()
        for importer, name in steps:
            report = importer(session, fixture_bytes(name))
            assert report.applied, report.rejected
        sync_index()


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
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")
