"""The command line of SPEC §1: summaries, row-numbered errors, exit codes, rejects file."""
import csv

from sqlalchemy import func, select

from app.models import Agency, Procedure
from tests.conftest import FIXTURES


def test_import_prints_the_summary(runner):
    result = runner.invoke(args=["import", "agencies", str(FIXTURES / "agencies.csv")])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "imported 4, updated 0, rejected 0"


def test_bad_file_exits_non_zero_names_rows_and_writes_rejects(runner, app, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(args=["import", "procedures", str(FIXTURES / "procedures-bad.csv"),
                                 "--rejects", str(rejects)])
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


def test_seed_demo_loads_kon_tum_and_real_procedures(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "imported 58, updated 0, rejected 0" in result.output
    assert "imported 1601, updated 0, rejected 0" in result.output
    with app.app_context():
        from app.db import get_session
        session = get_session()
        root = session.scalar(select(Agency).where(Agency.code == "H34"))
        assert root.name == "Ủy ban nhân dân tỉnh Kon Tum" and len(root.children) == 30
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already loaded" in again.output
