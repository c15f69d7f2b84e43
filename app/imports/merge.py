"""Merge the records several sources give for one procedure: the richer value of each part wins."""

from __future__ import annotations

import hashlib
import json

from app.catalogue.codes import ChannelMethod, Level, OnlineLevel

# On a tie the earlier source wins: the portal's API is structured at the source.
PRIORITY = ("portal_api", "national", "table", "catalogue")
# Corrections made in the back office: each part it names replaces the merged part.
OFFICE = "office"
NESTED = ("agencies",)


def richness(value) -> int:
    """Score how much information a value carries."""
    if value is None or value == "" or value is False:
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (int, float, bool)):
        return 1
    if isinstance(value, dict):
        return sum(richness(v) for v in value.values())
    if isinstance(value, list):
        return sum(1 + richness(v) for v in value)
    return 1


def merge_records(by_kind: dict[str, dict]) -> dict:
    """Return one record from the records of several sources, part by part; the Office's corrections
    replace the parts they name."""
    office = by_kind.get(OFFICE) or {}
    by_kind = {k: v for k, v in by_kind.items() if k != OFFICE} or {OFFICE: office}
    ordered = [by_kind[k] for k in sorted(by_kind, key=_rank)]
    merged: dict = {}
    keys = {k for record in ordered for k in record}
    for key in sorted(keys):
        if key in NESTED:
            roles = {r for record in ordered for r in (record.get(key) or {})}
            merged[key] = {r: _richest([(record.get(key) or {}).get(r) for record in ordered]) for r in sorted(roles)}
            merged[key] = {r: v for r, v in merged[key].items() if v}
        else:
            merged[key] = _richest([record.get(key) for record in ordered])
    merged["sources"] = sorted(by_kind, key=_rank) + ([OFFICE] if office and OFFICE not in by_kind else [])
    merged.update({k: v for k, v in office.items() if k != "code"})
    return derive(merged)


def _rank(kind: str) -> int:
    return PRIORITY.index(kind) if kind in PRIORITY else len(PRIORITY)


def _richest(values: list):
    best, best_score = None, 0
    for value in values:
        score = richness(value)
        if score > best_score:
            best, best_score = value, score
    return best


def derive(record: dict) -> dict:
    """Add the parts computed from others: level keys, online level, postal."""
    keys = Level.found_in(record.get("level"))
    record["level_keys"] = "|" + "|".join(keys) + "|" if keys else None
    methods = {c.get("method") for c in record.get("channels") or []}
    if record.get("full_online"):
        record["online_level"] = OnlineLevel.FULL
    elif ChannelMethod.ONLINE in methods:
        record["online_level"] = OnlineLevel.ONLINE
    else:
        record["online_level"] = OnlineLevel.NONE if methods else None
    record["postal"] = (ChannelMethod.POSTAL in methods) if methods else None
    return record


def content_hash(record: dict) -> str:
    """Return a stable hash of a merged record, to skip writing unchanged procedures."""
    blob = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
