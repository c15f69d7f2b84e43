"""Parse the national portal's flattened table fields back into structure.

The portal's pages render small tables (channels, documents, legal bases, results); the scraped
records keep only their text run together, header cells included, for example
``Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15 Ngày làm việcMiễn phí...``.
Every function here is pure: text in, plain dicts out.
"""

from __future__ import annotations

import re
from typing import Any

from app.catalogue.codes import ChannelMethod, TimeUnit
from app.text import fold, nfc

NO_INFO = "Không có thông tin"

# The time cells' unit words: the units' labels, and one more spelling.
UNIT_WORDS = {fold(unit.label): unit for unit in TimeUnit} | {"gio lam viec": TimeUnit.HOUR}

_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
# A method cell as the portal spells it ("Trực tiếp") or not ("Nộp hồ sơ trực tiếp", "TRỰC TUYẾN",
# "Qua dịch vụ bưu chính công ích", "Truc tiep"): a capital starts the cell, glued to the text before.
_METHOD_WORDS = (
    r"tr[ựu]c ti[ếe]p|tr[ựu]c tuy[ếe]n"
    r"|(?:d[ịi]ch v[ụu] ?)?b[ưu]u (?:ch[íi]nh|[đd]i[ệe]n)(?: c[ôo]ng [íi]ch)?"
)
_METHOD_CELL = (
    r"(?:N(?i:[ộo]p)(?i: ?h[ồo] s[ơo])?|Q(?i:ua)) ?(?i:" + _METHOD_WORDS + r")"
    r"|(?=[TDB])(?i:" + _METHOD_WORDS + r")"
)
# A method starts a channel only when a processing time (or "no information") follows it;
# the same words occur freely inside descriptions ("Trực tiếp: nộp hồ sơ tại ...").
_CHANNEL_START = re.compile(r"(" + _METHOD_CELL + r")(?=\s?\d|Không có thông tin)")
_UNIT_CELL = "|".join(sorted((re.escape(u.label) for u in TimeUnit), key=len, reverse=True))
_TIME = re.compile(r"^\s?(\d+(?:[.,]\d+)?)\s*(Giờ làm việc|" + _UNIT_CELL + r")?", re.IGNORECASE)
_CURRENCY = r"(?:VNĐ|VND|Đồng|đồng|đ(?![a-zà-ỹ]))"
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*" + _CURRENCY)
_FEE_CELL = re.compile(r"^(\d[\d.,]*)\s*(VNĐ|VND|Đồng|đồng|USD)")


def parse_amount(digits: str) -> int:
    """Return the integer value of `100.000`, `100,000` or `100`."""
    return int(re.sub(r"[.,]", "", digits))


def parse_channels(text: str | None) -> list[dict]:
    """Split `cach_thuc_thuc_hien` into channels with processing time and fees."""
    text = nfc(text)
    if not text or text == NO_INFO:
        return []
    text = text.replace(nfc(_CHANNEL_HEADER), "", 1)
    starts = list(_CHANNEL_START.finditer(text))
    channels = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        channels.append(_parse_channel(match.group(1), text[match.end() : end]))
    _resolve_glued_numbers(channels)
    return channels


def _parse_channel(cell: str, body: str) -> dict:
    # The cell always names a known method: _CHANNEL_START matches no other.
    channel: dict[str, Any] = {
        "method": ChannelMethod.recognise(cell),
        "processing_time": None,
        "fees": [],
        "description": None,
    }
    rest = body
    if rest.startswith(NO_INFO):
        rest = rest[len(NO_INFO) :]
    else:
        match = _TIME.match(rest)
        if match:
            unit = UNIT_WORDS.get(fold(match.group(2))) if match.group(2) else None
            channel["processing_time"] = {
                "value": _number(match.group(1)),
                "unit": unit,
                "text": match.group(0).strip(),
            }
            rest = rest[match.end() :]
            if unit is None and re.match(r"^[\d.,]*\s*(VNĐ|VND|Đồng|USD)", rest):
                # "Trực tuyến1100 VNĐ": the time and the fee are glued; settled later.
                channel["_glued"] = match.group(1) + rest
    rest = rest.strip()
    fee_text = None
    if rest.startswith("Miễn phí"):
        channel["fees"].append({"amount_vnd": 0, "text": "Miễn phí"})
        rest = rest[len("Miễn phí") :]
    elif rest.startswith(NO_INFO):
        rest = rest[len(NO_INFO) :]
    else:
        match = _FEE_CELL.match(rest)
        if match and "_glued" not in channel:
            fee_text = match.group(0)
            amount = parse_amount(match.group(1)) if match.group(2) != "USD" else None
            channel["fees"].append({"amount_vnd": amount, "text": fee_text})
            rest = rest[match.end() :]
    description = rest.strip()
    if description.startswith("(") and description.endswith(")"):
        description = description[1:-1].strip()
    channel["description"] = description or None
    if description and not any(f["amount_vnd"] for f in channel["fees"]):
        channel["fees"].extend(fees_in_text(description))
    return channel


def _resolve_glued_numbers(channels: list[dict]) -> None:
    """Split `1100 VNĐ` into time 1 and fee 100 when a sibling channel shows the time."""
    known = {c["processing_time"]["value"] for c in channels if c["processing_time"] and "_glued" not in c}
    for channel in channels:
        glued = channel.pop("_glued", None)
        if not glued:
            continue
        glued_match = re.match(r"^([\d.,]+)\s*(\S+)", glued)
        # _parse_channel glues the time's digits to a currency it has just matched.
        assert glued_match is not None
        digits, _, currency = glued_match.groups() + ("",)
        for value in sorted(known, key=lambda v: -len(_fmt(v))):
            prefix = _fmt(value)
            if digits.startswith(prefix) and len(digits) > len(prefix):
                fee_digits = digits[len(prefix) :]
                channel["processing_time"] = {"value": value, "unit": None, "text": prefix}
                amount = parse_amount(fee_digits) if "USD" not in glued[:40] else None
                channel["fees"].insert(0, {"amount_vnd": amount, "text": f"{fee_digits} VNĐ"})
                break
        else:
            channel["processing_time"] = None


def fees_in_text(text: str) -> list[dict]:
    """Find amounts in VND mentioned in free text, each with the clause around it."""
    fees = []
    for clause in re.split(r"(?<=[;\n])|(?<=\.)\s(?=[A-ZĐ+\-])", text):
        for match in _AMOUNT.finditer(clause):
            amount = parse_amount(match.group(1))
            if amount < 1000 and "." not in match.group(1) and "," not in match.group(1):
                # "5 đ" or "10 đồng" are almost always fragments of something else.
                continue
            fees.append({"amount_vnd": amount, "text": nfc(clause)[:300]})
            break
    return fees


def _number(digits: str) -> float | int:
    value = float(digits.replace(",", "."))
    return int(value) if value.is_integer() else value


def _fmt(value: float | int) -> str:
    return str(value)


# --- documents -----------------------------------------------------------------------------

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_QUANTITY = re.compile(r"(\d+)\s*bản chính\s*(?:,\s*(\d+)\s*bản sao)?|(\d+)\s*bản sao", re.IGNORECASE)
# Case-insensitive extension, but the next letter must be lower case to continue a word:
# ".docxMẫu 02" ends a file name where the next one starts.
_FORM_EXT = re.compile(r"(?i:\.(?:docx|doc|xlsx|xls|pdf|rar|zip|odt|rtf|png|jpe?g))(?![a-zà-ỹ])")
# Where a file name can start: after punctuation, or where two words are glued together
# ("củaMẫu 01.docx", "BNNMTMẫu 03.docx"): Vietnamese prose always puts a space before a capital.
_FORM_BOUNDARY = re.compile(r"[;:)\]”\"]|\.(?=[^\W\d_])|(?<=[a-zà-ỹ])(?=[A-ZĐ])|(?<=[A-ZĐ])(?=[A-ZĐ][a-zà-ỹ])(?!Tg)")


def parse_documents(text: str | None) -> list[dict]:
    """Split `thanh_phan_ho_so` into documents with form and quantities."""
    text = nfc(text)
    if not text or text == NO_INFO:
        return []
    header = nfc(_DOC_HEADER)
    documents = []
    pieces = text.split(header)
    group = _clean_group(pieces[0])
    for piece in pieces[1:]:
        last_end = 0
        for match in _QUANTITY.finditer(piece):
            raw = piece[last_end : match.start()].strip()
            last_end = match.end()
            if not raw:
                continue
            name, form = split_form(raw)
            original = int(match.group(1)) if match.group(1) else 0
            copies = int(match.group(2) or match.group(3) or 0)
            documents.append({"name": name, "form": form, "original_qty": original, "copy_qty": copies, "group": group})
        tail = piece[last_end:].strip()
        group = _clean_group(tail)
    return documents


def _clean_group(text: str) -> str | None:
    text = text.strip().strip("-").strip()
    return text or None


def split_form(raw: str) -> tuple[str, str | None]:
    """Separate trailing form file names (`Mẫu 01.docx`) from a document's name."""
    exts = list(_FORM_EXT.finditer(raw))
    if not exts or exts[-1].end() != len(raw):
        return raw, None
    first = exts[0]
    boundaries = [m.end() for m in _FORM_BOUNDARY.finditer(raw, 0, first.start())]
    cut = boundaries[-1] if boundaries else 0
    if first.start() - cut > 80:
        # Nothing marks where the name ends: keep the last few words as the file name.
        words = raw[: first.start()].split(" ")
        cut = first.start() - len(" ".join(words[-3:]))
    forms, start = [], cut
    for match in exts:
        forms.append(raw[start : match.end()].strip(" -;,"))
        start = match.end()
    name = raw[:cut].strip()
    return (name or raw), "; ".join(f for f in forms if f)


# --- legal bases ---------------------------------------------------------------------------

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
_DOC_TYPES = (
    r"Luật|Bộ luật|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết|Pháp lệnh|"
    r"Chỉ thị|Lệnh|Văn bản hợp nhất|Hiến pháp"
)
# Capitals only, so that a suffix stops where the next title starts ("NĐ-CPNghị định ...").
# Known issuer abbreviations are tried first (longest first): "NĐ-CPsửa đổi" and "NĐ-CPNghị
# định" can only be split by knowing that "CP" is a suffix.
KNOWN_SUFFIXES = [
    "BLĐTBXH",
    "BNNPTNT",
    "BVHTTDL",
    "UBTVQH",
    "BGTVT",
    "BNNMT",
    "BTNMT",
    "BKHĐT",
    "BGDĐT",
    "BKHCN",
    "BTTTT",
    "VPCP",
    "NHNN",
    "UBND",
    "HĐND",
    "TTLT",
    "LLTP",
    "BTC",
    "BCA",
    "BTP",
    "BXD",
    "BYT",
    "BQP",
    "BNG",
    "BCT",
    "BNV",
    "BTTT",
    "UBDT",
    "TTCP",
    "KTNN",
    "QĐ",
    "NĐ",
    "NQ",
    "TT",
    "CP",
    "QH",
    "TTg",
]
_SUFFIX_PART = r"(?:" + "|".join(sorted(KNOWN_SUFFIXES, key=len, reverse=True)) + r"|[A-ZĐ]+(?![a-zà-ỹ]))"
# A suffix such as NĐ-CP, TT-BTC, QĐ-TTg, TTLT-BTC-BGTVT; digits occur only after QH (QH13).
_LEGAL_NUMBER = re.compile(
    r"(?:(?:" + _DOC_TYPES + r")\s*)?(?:[Ss]ố\s*)?"
    r"(\d+(?:\.\d+)?(?:/\d{4})?/" + _SUFFIX_PART + r"(?:-" + _SUFFIX_PART + r")*(?:(?<=QH)\d{1,2})?)"
)


def parse_legal_bases(text: str | None) -> list[dict]:
    """Split `can_cu_phap_ly` into legal documents, each a number and a title."""
    text = nfc(text)
    if not text or text == NO_INFO:
        return []
    text = text.replace(nfc(_LEGAL_HEADER), "", 1)
    pairs: list[dict] = []
    last_end = 0
    for match in _LEGAL_NUMBER.finditer(text):
        # A number followed by a space is part of a title ("Nghị định 53/2026/NĐ-CP ngày ...").
        following = text[match.end() : match.end() + 1]
        if following in (" ", ",", ")", ";") and match.end() < len(text):
            continue
        title_text, number = text[last_end : match.start()], match.group(1)
        glued_year = re.match(r"((?:19|20)\d\d)(\d{1,4}/.*)$", number)
        if glued_year:
            # "Luật Khiếu nại năm 201102/2011/QH13": the title's year runs into the number.
            title_text, number = title_text + glued_year.group(1), glued_year.group(2)
        title = title_text.strip(" ;,.-")
        if not title and pairs and _same_number(pairs[-1]["number"], number):
            # "Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP": the title was the number itself.
            pairs[-1]["title"] = f"{pairs[-1]['title'] or ''} {pairs[-1].pop('_raw')}".strip()
            pairs[-1]["_raw"] = match.group(0)
            last_end = match.end()
            continue
        pairs.append({"number": number, "title": title or None, "_raw": match.group(0)})
        last_end = match.end()
    trailing = text[last_end:].strip()
    for pair in pairs:
        pair.pop("_raw", None)
        if not pair["title"]:
            pair["title"] = None
    if trailing and trailing != NO_INFO:
        pairs.append({"number": None, "title": trailing})
    return pairs


def _same_number(a: str | None, b: str) -> bool:
    return bool(a and a.lower() == b.lower())


# --- steps and results ---------------------------------------------------------------------

_STEP_START = re.compile(r"(?=(?:^|\n)\s*Bước\s*\d+\s*[:.\-])")


def parse_steps(text: str | None) -> list[str]:
    """Split `trinh_tu_thuc_hien` into its steps (`Bước 1: ...`)."""
    if not text or nfc(text) == NO_INFO:
        return []
    text = text.replace("\r\n", "\n")
    parts = [p.strip() for p in _STEP_START.split(text)]
    return [re.sub(r"\n{2,}", "\n", p) for p in parts if p]


_RESULT_CODE = re.compile(r"Mã:\s*([A-Z0-9][A-Z0-9.\-]*?)(?=[A-ZĐ][a-zà-ỹ]|$)")


def parse_results(text: str | None) -> list[dict]:
    """Split `ket_qua_xu_ly` into results, each a name and a code."""
    text = nfc(text)
    text = re.split(r"Từ khóa", text)[0]
    if not text or text == NO_INFO:
        return []
    results = []
    last_end = 0
    for match in _RESULT_CODE.finditer(text):
        name = text[last_end : match.start()].strip()
        if name:
            results.append({"name": name, "code": match.group(1)})
        last_end = match.end()
    tail = text[last_end:].strip()
    if tail:
        results.append({"name": tail, "code": None})
    return results
