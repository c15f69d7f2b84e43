"""Rebuild seed/procedures.jsonl.gz: the national records a province carries out.

Run from the repository root with ../shared beside it:
    .venv/bin/python seed/build_procedures.py
It keeps, unchanged and in code order, every national detail record whose level includes the
province, district or commune, so that the demo shows real procedures with all their parts.
"""

import gzip
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "tthc" / "national-procedures.jsonl.gz"
TARGET = ROOT / "seed" / "procedures.jsonl.gz"


def main() -> None:
    with gzip.open(SOURCE, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    local = [r for r in records if re.search(r"Cấp (tỉnh|huyện|xã)", r.get("cap_thuc_hien") or "")]
    local.sort(key=lambda r: r["ma_thu_tuc"])
    with gzip.GzipFile(TARGET, "wb", mtime=0) as raw:
        for record in local:
            raw.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"{len(local)} records written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
