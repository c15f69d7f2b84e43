"""The synonym engine: everyday words in a question add the words the procedures use.

Each entry of `data/synonyms.txt` maps words people type to the official words ("sổ đỏ =
giấy chứng nhận quyền sử dụng đất"). A question matches an entry only where the entry stands as
words of its own, not as syllables inside other words:

- a syllable typed with diacritics matches only the same diacritics ("đối" is not "đổi"); typed
  without them, it matches by its folded form, and the next rule decides;
- a match is dropped when a syllable at its edge binds tighter to its neighbour outside than the
  match's own syllables bind to each other ("nhận con" inside "nhận con nuôi", "người Lào" inside
  "người lao động"), binding measured on the corpus's own syllable pairs (the Dice coefficient of
  their document frequencies);
- the longest match owns its syllables: a shorter entry inside it adds nothing;
- a match under negation ("chưa kết hôn", "không có con") adds nothing.

Country names come from CLDR through Babel ("người Hàn Quốc", "quốc tịch Lào": the procedures
say "có yếu tố nước ngoài"), plus the everyday names of `data/countries.txt`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

from app.text import fold, nfc

DATA = Path(__file__).resolve().parent / "data"
_WORD = re.compile(r"[^\W_]+")
_SYLLABLE = re.compile(r"[a-z0-9]+")
# A sentence's end stops a match; a comma only stops negation ("khám, chữa bệnh" is one phrase).
_SENTENCE = re.compile(r"[.;:!?()\[\]{}\"“”«»\n]+")
_COMMA = re.compile(r",")
# Words that negate what follows them within the clause, and how far they reach (in syllables):
# only the match right after ("chưa lấy nhau"); "chưa có sổ đỏ", "không may bị mất" still ask for it.
NEGATIONS = frozenset({"chưa", "không", "chẳng", "chớ"})
NEGATION_REACH = 1
# Two syllables binding at least this tightly are a word ("lao động", "con nuôi"); weaker pairs
# are words that happen to meet.
WORD = 0.03
# A syllable at a match's edge belongs to its neighbour outside when it binds to it this many times
# tighter than to its neighbour inside the match ("con nuôi" 0.056 against "nhận con" 0.008).
TIGHTER = 1.5
# How tightly a one-syllable entry holds its syllable: "đổi" in "thay đổi" (0.35) is not the
# entry "đổi", in "đổi nơi" (0.06) it is.
SINGLE = 0.1
# A stop word next to a match takes its syllable only in a fixed expression this tight ("đối với",
# 0.78, typed "doi voi", is not "đổi"); "là người" (0.08) leaves "người Lào" whole.
FIXED = 0.3
FOREIGN = "có yếu tố nước ngoài"
COUNTRY_PATTERNS = ("người", "quốc tịch")

Frequency = Callable[[str, str], int]


@dataclass(frozen=True)
class Token:
    """One syllable of a question: folded, as typed (lower case, None when typed without marks),
    the numbers of its sentence and of its clause, whether it spells out an abbreviation and
    whether it is a stop word (a stop word never takes a syllable from a match)."""

    folded: str
    marked: str | None
    sentence: int
    clause: int
    spelled: bool = False
    stop: bool = False


@dataclass(frozen=True)
class Entry:
    """One line of the table: the words people type (folded, and as written) and what they mean."""

    left: tuple[str, ...]
    marked: tuple[str | None, ...]
    right: tuple[str, ...]
    source: str

    def __len__(self) -> int:
        return len(self.left)


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int
    end: int


def tokens(
    text: str, abbreviations: dict[str, tuple[str, ...]] | None = None, stops: frozenset[str] = frozenset()
) -> list[Token]:
    """The syllables of `text` with their sentence and clause; abbreviations spelled out when a
    table is given, folded `stops` marked."""
    result: list[Token] = []
    clause = 0
    for sentence, part in enumerate(_SENTENCE.split(nfc(text).lower())):
        for piece in _COMMA.split(part):
            clause += 1
            for word in _WORD.findall(piece):
                runs = _SYLLABLE.findall(fold(word))
                spelled = abbreviations.get("".join(runs)) if abbreviations else None
                if spelled:
                    result.extend(Token(s, None, sentence, clause, True) for s in spelled)
                elif len(runs) == 1:
                    marked = word if word != runs[0] else None
                    result.append(Token(runs[0], marked, sentence, clause, stop=runs[0] in stops))
                else:
                    result.extend(Token(run, None, sentence, clause, stop=run in stops) for run in runs)
    return result


def _entry(left: str, right: str, source: str) -> Entry:
    words = tokens(left)
    return Entry(
        tuple(w.folded for w in words), tuple(w.marked for w in words), tuple(w.folded for w in tokens(right)), source
    )


@lru_cache(maxsize=1)
def table() -> tuple[Entry, ...]:
    """Every entry, longest first: the synonym file's, then the country patterns."""
    entries = []
    for line in (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        entries.append(_entry(left, right, line.strip()))
    for country in countries():
        for pattern in COUNTRY_PATTERNS:
            entries.append(_entry(f"{pattern} {country}", FOREIGN, f"{pattern} <{country}>"))
    return tuple(sorted(entries, key=lambda e: -len(e)))


@lru_cache(maxsize=1)
def countries() -> tuple[str, ...]:
    """Vietnamese names of the world's countries (CLDR) and the everyday ones ("Mỹ", "Hàn")."""
    names = {name for code, name in Locale("vi").territories.items() if code.isalpha() and code != "VN"}
    for line in (DATA / "countries.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names.add(line.strip())
    return tuple(sorted(names))


def matches(
    question: list[Token], frequency: Frequency | None = None, entries: tuple[Entry, ...] | None = None
) -> list[Match]:
    """The entries the question holds as words of their own, longest first, none overlapping."""
    by_first = _by_first(table() if entries is None else entries)
    candidates = [
        (entry, start)
        for start, token in enumerate(question)
        for entry in by_first.get(token.folded, ())
        if start + len(entry) <= len(question) and _same(question[start : start + len(entry)], entry)
    ]
    candidates.sort(key=lambda c: (-len(c[0]), c[1]))
    owned = [False] * len(question)
    found = []
    for entry, start in candidates:
        end = start + len(entry)
        if any(owned[start:end]):
            continue
        if frequency is not None and not _free(question, start, end, frequency):
            continue
        for i in range(start, end):
            owned[i] = True
        if not _negated(question, start):
            found.append(Match(entry, start, end))
    return found


_BY_FIRST: dict[int, tuple[tuple[Entry, ...], dict[str, tuple[Entry, ...]]]] = {}


def _by_first(entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, ...]]:
    """The entries by their first folded syllable, for a lookup per syllable of the question;
    kept per table (by identity: hashing 600 entries per question would cost more than matching)."""
    kept = _BY_FIRST.get(id(entries))
    if kept is not None and kept[0] is entries:
        return kept[1]
    if len(_BY_FIRST) > 8:
        _BY_FIRST.clear()
    index: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.left:
            index.setdefault(entry.left[0], []).append(entry)
    built = {first: tuple(group) for first, group in index.items()}
    _BY_FIRST[id(entries)] = (entries, built)
    return built


def _same(words: list[Token], entry: Entry) -> bool:
    if len({w.sentence for w in words}) > 1:
        return False
    return all(
        w.folded == folded and (w.marked is None or marked is None or w.marked == marked)
        for w, folded, marked in zip(words, entry.left, entry.marked)
    )


def binding(a: str, b: str, frequency: Frequency) -> float:
    """How tightly syllable `a` binds to a following `b` in the corpus: 2·df(ab) / (df(a) + df(b))."""
    both = frequency("text_pairs", f"{a}_{b}")
    if not both:
        return 0.0
    return 2 * both / (frequency("text", a) + frequency("text", b))


def _free(question: list[Token], start: int, end: int, frequency: Frequency) -> bool:
    """Tell whether the span stands as words of its own: neither edge syllable belongs to the word
    it makes with its neighbour outside."""
    span = [t.folded for t in question[start:end]]
    sentence = question[start].sentence
    edges = []
    if start and question[start - 1].sentence == sentence:
        inside = binding(span[0], span[1], frequency) if len(span) > 1 else SINGLE
        edges.append((question[start - 1], binding(question[start - 1].folded, span[0], frequency), inside))
    if end < len(question) and question[end].sentence == sentence:
        inside = binding(span[-2], span[-1], frequency) if len(span) > 1 else SINGLE
        edges.append((question[end], binding(span[-1], question[end].folded, frequency), inside))
    return not any(
        outside >= (FIXED if neighbour.stop else WORD) and outside > TIGHTER * inside
        for neighbour, outside, inside in edges
    )


def _negated(question: list[Token], start: int) -> bool:
    clause = question[start].clause
    for token in question[max(0, start - NEGATION_REACH) : start]:
        if token.clause == clause and token.marked in NEGATIONS:
            return True
        if token.clause == clause and token.marked is None and token.folded in _FOLDED_NEGATIONS:
            return True
    return False


_FOLDED_NEGATIONS = frozenset({"chua", "khong"})
