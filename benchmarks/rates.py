"""Parse rates of the national records, measured as the public sees them: through the API."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable

from app.catalogue.codes import TimeUnit

WORKING_DAYS = re.compile(r"(\d+(?:[.,]\d+)?)\s*Ngày làm việc")
AMOUNT = re.compile(r"\d{1,3}(?:[.,]\d{3})+\s*(?:VNĐ|đồng|Đồng)|\d+\s*VNĐ")


def national_parse_rates(path: str, api_detail: Callable[[str], dict]) -> dict:
    """Compare each national record's text with the API's structured answer for its code."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    counts: dict[str, float] = dict(
        records=len(records),
        time_text=0,
        time_ok=0,
        fee_text=0,
        fee_ok=0,
        doc_text=0,
        doc_ok=0,
        legal_text=0,
        legal_ok=0,
    )
    for record in records:
        body = api_detail(record["ma_thu_tuc"])
        channels = body.get("channels") or []
        values = {float(v.replace(",", ".")) for v in WORKING_DAYS.findall(record["cach_thuc_thuc_hien"])}
        if values:
            counts["time_text"] += 1
            shown = {
                float(c["processing_time"]["value"])
                for c in channels
                if c["processing_time"] and c["processing_time"]["unit"] == TimeUnit.WORKING_DAY
            }
            counts["time_ok"] += bool(values & shown)
        if AMOUNT.search(record["cach_thuc_thuc_hien"]):
            counts["fee_text"] += 1
            counts["fee_ok"] += any(f["amount_vnd"] for c in channels for f in c["fees"])
        if re.search(r"\d+\s*bản (chính|sao)", record["thanh_phan_ho_so"]):
            counts["doc_text"] += 1
            counts["doc_ok"] += bool(body.get("documents"))
        if re.search(r"\d+/\d{4}/", record["can_cu_phap_ly"]):
            counts["legal_text"] += 1
            bases = body.get("legal_basis") or []
            counts["legal_ok"] += bool(bases) and all(b["number"] and b["title"] for b in bases)
    for part in ("time", "fee", "doc", "legal"):
        counts[f"{part}_rate"] = round(100 * counts[f"{part}_ok"] / max(1, counts[f"{part}_text"]), 1)
    return counts
