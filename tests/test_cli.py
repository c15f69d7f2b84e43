"""The command line of SPEC §1: summaries, row-numbered errors, exit codes, rejects file."""

import csv

import pytest
from sqlalchemy import func, select

from app.models import Procedure
from tests.conftest import FIXTURES, make_app


@pytest.fixture
def app(databases, tmp_path):
    """These tests never search: an app without a search index (SEARCH_BACKEND=null), faster to fill."""
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


def test_import_prints_the_summary(runner):
    result = runner.invoke(args=["import", "agencies", str(FIXTURES / "agencies.csv")])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "imported 4, updated 0, rejected 0"


def test_bad_file_exits_non_zero_names_rows_and_writes_rejects(runner, app, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        args=["import", "procedures", str(FIXTURES / "procedures-bad.csv"), "--rejects", str(rejects)]
    )
    assert result.exit_code == 1
    assert "row 3: thiếu mã thủ tục" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 0, rejected 4"
    with rejects.open(encoding="utf-8") as handle:
        assert [row["row"] for row in csv.DictReader(handle)] == ["3", "4", "5", "6"]
    with app.app_context():
        from app.db import get_session

        assert get_session().scalar(select(func.count(Procedure.id))) == 0


def test_skip_invalid(runner):
    result = runner.invoke(args=["import", "procedures", str(FIXTURES / "procedures-bad.csv"), "--skip-invalid"])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "imported 1, updated 0, rejected 4"


def test_unreadable_file_is_refused(runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(args=["import", "agencies", str(empty)])
    assert result.exit_code == 1 and "tệp rỗng" in result.output
