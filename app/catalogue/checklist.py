"""The short list of what to bring, at the top of a procedure's page, from its documents as the
source lists them: notes are not papers, and papers everyone brings come before conditional ones."""

from __future__ import annotations

import re

from app.text import fold

# Bullets and marks a source puts before an item ("- ", "+ ", "* ", "a) ").
_BULLET = re.compile(r"^\s*(?:[-+*•–]|[a-zđ0-9]{1,2}[.)])\s*", re.IGNORECASE)
# A group headed like this holds remarks ("* Lưu ý:", "Ghi chú"), not papers to bring.
_NOTE_GROUPS = ("luu y", "ghi chu", "chu y")
# An item opening like this applies only in some cases ("Trường hợp ủy quyền ...").
_CONDITIONAL = ("truong hop", "neu ", "doi voi", "khi ")
# A form to fill in ("Tờ khai ...", "Đơn ...", "Giấy đề nghị ...") is what a citizen most needs to see.
_FORM = ("to khai", "don ", "giay de nghi", "phieu de nghi", "ban khai", "van ban de nghi")


def checklist(documents, limit: int = 6) -> list:
    """At most `limit` documents to show first: forms, then papers every applicant brings, then
    conditional ones; remarks left out, each paper once. The documents keep their own order within
    each rank."""

    def rank(document) -> int | None:
        group = fold(getattr(document, "group_name", None) or "")
        if any(word in group for word in _NOTE_GROUPS):
            return None
        name = fold(_BULLET.sub("", document.name or ""))
        if document.form or name.startswith(_FORM):
            return 0
        return 2 if name.startswith(_CONDITIONAL) else 1

    ranked = [(r, i, d) for i, d in enumerate(documents) if (r := rank(d)) is not None]
    shown, seen = [], set()
    for _r, _i, document in sorted(ranked, key=lambda x: (x[0], x[1])):
        key = fold(item_name(document))
        if key not in seen:  # a paper listed again for another case of the procedure counts once
            seen.add(key)
            shown.append(document)
    return shown[:limit]


def item_name(document) -> str:
    """The document's name without the bullet the source put before it."""
    return _BULLET.sub("", document.name or "").strip()
