"""Fill app/translations/en from a {Vietnamese: English} table: `python fill.py TABLE.py`.

A helper for translators; the .po file it writes is the source of truth and is committed.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent


def main(table_path: str) -> None:
    table = runpy.run_path(table_path)["EN"]
    template = read_po((HERE / "messages.pot").open("rb"))
    po_path = HERE / "en" / "LC_MESSAGES" / "messages.po"
    existing = read_po(po_path.open("rb")) if po_path.exists() else Catalog(locale="en")
    catalog = Catalog(locale="en", project="cong-khai-tthc", fuzzy=False)
    missing = []
    for message in template:
        if not message.id:
            continue
        old = existing.get(message.id)
        text = table.get(message.id) or (old.string if old else "")
        if not text:
            missing.append(message.id)
        catalog.add(message.id, text)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    print(f"{len(catalog)} messages, {len(missing)} untranslated")
    for message_id in missing:
        print("  missing:", message_id)


if __name__ == "__main__":
    main(sys.argv[1])
