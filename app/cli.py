"""Command line: `flask --app wsgi import ...`, `seed-demo`, `db upgrade`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app import db
from app.imports.errors import ImportRejected, ImportReport

SEED = Path(__file__).resolve().parent.parent / "seed"


def _importers():
    from app.imports.agencies import import_agencies
    from app.imports.procedures import import_procedures

    return {"agencies": import_agencies, "procedures": import_procedures}


def run_import(kind: str, path: str, skip_invalid: bool = False) -> ImportReport:
    """Run one import of `kind` from the file at `path` in the current app."""
    data = Path(path).read_bytes()
    return _importers()[kind](db.get_session(), data, skip_invalid=skip_invalid)


def _report(report: ImportReport, rejects: str | None) -> None:
    for rejection in report.rejected:
        click.echo(f"row {rejection.row}: {rejection.reason}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if rejects:
        report.write_rejects(rejects)
    if report.rejected and not report.applied:
        click.echo("nothing imported: fix the rows above or use --skip-invalid", err=True)
    click.echo(report.summary())


def _import_command(kind: str):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--rejects", type=click.Path(dir_okay=False), help="Write rejected rows to this CSV.")
    @click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the rest.")
    def command(file, rejects, skip_invalid):
        try:
            report = run_import(kind, file, skip_invalid)
        except ImportRejected as exc:
            click.echo(f"error: {exc}", err=True)
            click.echo("imported 0, updated 0, rejected 0")
            sys.exit(1)
        _report(report, rejects)
        if not report.applied:
            sys.exit(1)

    command.__doc__ = f"Import {kind} from FILE (JSON, JSON Lines, CSV or XLSX; .gz accepted)."
    return command


import_group = AppGroup("import", help="Import data files.")
for _kind in ("agencies", "procedures"):
    import_group.command(_kind)(_import_command(_kind))

db_group = AppGroup("db", help="Database schema.")


@db_group.command("upgrade")
def db_upgrade():
    """Migrate the database to the latest schema."""
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when procedures already exist.")
def seed_demo(if_empty):
    """Load the demo data set (Kon Tum's agencies and a province's procedures)."""
    from sqlalchemy import func, select

    from app.models import Procedure

    if if_empty and db.get_session().scalar(select(func.count(Procedure.id))):
        click.echo("demo data already loaded")
        return
    for kind, name in (("agencies", "agencies-kontum.csv"), ("procedures", "procedures.jsonl.gz")):
        report = run_import(kind, str(SEED / name))
        _report(report, None)
        if not report.applied:
            sys.exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(import_group)
    app.cli.add_command(db_group)
    app.cli.add_command(seed_demo)
