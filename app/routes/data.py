"""The open data package (SPEC §2 `/data/`): the list of datasets, their Frictionless descriptor,
and each one as CSV, whole or a published month at a time."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from app import opendata
from app.db import get_session
from app.routes._csv import data_csv

bp = Blueprint("data", __name__, url_prefix="/data")
FILE = re.compile(r"^(?P<name>[a-z-]+?)(?:-(?P<month>\d{4}-\d{2}))?\.csv$")


def _base() -> str:
    return current_app.config["SITE_URL"] or request.host_url.rstrip("/")


@bp.get("/")
def index():
    """Every dataset, its columns, and its downloads."""
    session = get_session()
    months = opendata.months_by_dataset(session)
    return render_template("data/index.html", datasets=opendata.DATASETS, months=months, license=_license())


def _license() -> dict:
    config = current_app.config
    return {"name": config["DATA_LICENSE"], "path": config["DATA_LICENSE_URL"], "title": config["DATA_LICENSE_TITLE"]}


@bp.get("/datapackage.json")
def package():
    """The Frictionless Data Package describing every dataset (Table Schemas in both languages)."""
    licence = _license()
    return jsonify(opendata.descriptor(get_session(), _base(), licence["name"], licence["path"], licence["title"]))


@bp.get("/<filename>")
def download(filename):
    """One dataset as CSV (UTF-8, no BOM, ISO dates): whole, or one published month."""
    found = FILE.match(filename)
    dataset = opendata.BY_NAME.get(found["name"]) if found else None
    if dataset is None:
        abort(404)
    month = found["month"]
    session = get_session()
    if month is not None and month not in opendata.months_by_dataset(session)[dataset.name]:
        abort(404)
    if dataset.rated:
        rows = dataset.rows(session, month, minimum=current_app.config["SATISFACTION_MIN_RATINGS"])
    else:
        rows = dataset.rows(session, month)
    return data_csv(
        filename,
        [c.name for c in dataset.columns],
        ([opendata.cell(record[c.name], c) for c in dataset.columns] for record in rows),
    )
