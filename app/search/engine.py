"""Scoring one generation of the Whoosh index with BM25F on numpy arrays.

Whoosh's own query engine walks every posting in Python and takes hundreds of milliseconds on a
long citizen question. Here the postings of each question term are read once from the Whoosh
index (`postings`, the one module that reads them), cached, and the whole collection is scored
with a few vector operations.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from app.search import postings
from app.search.index import IndexUnavailable

# Tuned on the development questions within a broad plateau (K1 1.6-2.0, B 0.6-0.9 all give
# MRR 0.60-0.61); the judged set is larger, so no sharper optimum was chased.
K1, B = 2.0, 0.75
FIELD_BOOSTS = {"name": 3.0, "name_pairs": 3.0, "text": 1.0, "text_pairs": 1.0}
FACETS = ("field_slug", "online", "postal", "audience")
MULTI_FACETS = ("levels", "agencies")
CACHE_TERMS = 20000
# Terms read ahead when an engine opens: the commonest are the slowest to read cold.
WARM_TERMS = 4000
WARM_MIN_SHARE = 0.002


@dataclass(frozen=True)
class Clause:
    field: str
    term: str
    boost: float = 1.0


class Engine:
    """A read-only, in-memory view of one index generation."""

    def __init__(self, ix, own_variant: str | None = None):
        """Read the index generation `ix` holds; `own_variant` is the suffix of the site's own
        province's local codes (".H34"), whose variant stands for its national procedure."""
        self.ix = ix
        self.generation = ix.latest_generation()
        self.searcher = ix.searcher()
        reader = self.searcher.reader()
        self.leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers()]
        self.n = reader.doc_count_all()
        self.live = np.ones(self.n, dtype=bool)
        self.lengths = {f: np.zeros(self.n, dtype=np.float32) for f in FIELD_BOOSTS}
        self.ids = np.zeros(self.n, dtype=np.int64)
        self.codes: list[str] = [""] * self.n
        facet_values: dict[str, list[str]] = {f: [""] * self.n for f in FACETS}
        multi: dict[str, dict[str, list[int]]] = {f: {} for f in MULTI_FACETS}
        for leaf, offset in self.leaves:
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else set()
            for docnum in range(leaf.doc_count_all()):
                n = offset + docnum
                if docnum in deleted:
                    self.live[n] = False
                    continue
                stored = leaf.stored_fields(docnum)
                self.ids[n] = int(stored["id"])
                self.codes[n] = stored["code"]
                for f in FACETS:
                    facet_values[f][n] = stored.get(f) or ""
                for f in MULTI_FACETS:
                    for value in (stored.get(f) or "").split():
                        multi[f].setdefault(value, []).append(n)
                for f in FIELD_BOOSTS:
                    self.lengths[f][n] = leaf.doc_field_length(docnum, f, 0)
        self.live_count = int(self.live.sum())
        self.by_code = {code: n for n, code in enumerate(self.codes) if self.live[n]}
        # Local variants ("1.001193.H34", "1.004850A") share their national procedure's group.
        national = [national_code(code) for code in self.codes]
        group_of: dict[str, int] = {}
        self.groups = np.array([group_of.setdefault(code, len(group_of)) for code in national], dtype=np.int64)
        self._members: dict[str, list[int]] = {}
        for n, code in enumerate(national):
            if self.live[n] and code != self.codes[n]:
                self._members.setdefault(code, []).append(n)
        self.own = (
            np.array([bool(code) and code.endswith(own_variant) for code in self.codes], dtype=bool)
            if own_variant
            else None
        )
        # How many case files each procedure has (set by the service from the database): a prior.
        self.filed = np.zeros(self.n, dtype=np.float32)
        self.average = {
            f: max(float(v[self.live].mean()) if self.live_count else 0.0, 1.0) for f, v in self.lengths.items()
        }
        # Facet values as small integers: counting is then one bincount, even at 60,000 documents.
        self.facet_labels: dict[str, list[str]] = {}
        self.facet_arrays: dict[str, np.ndarray] = {}
        for name, values in facet_values.items():
            labels = sorted(set(values))
            number = {label: i for i, label in enumerate(labels)}
            self.facet_labels[name] = labels
            self.facet_arrays[name] = np.array([number[v] for v in values], dtype=np.int32)
        self.multi_arrays = {f: {k: np.array(v, dtype=np.int64) for k, v in d.items()} for f, d in multi.items()}
        self._norm = {f: K1 * (1 - B + B * self.lengths[f] / self.average[f]) for f in FIELD_BOOSTS}
        self._cache: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._suggestions: dict[tuple[str, int], list[str]] = {}
        # Whoosh's readers seek in shared files: one thread reads postings at a time.
        self._lock = threading.Lock()

    def close(self) -> None:
        self.searcher.close()

    def variants_of(self, code: str) -> list[int]:
        """The live local variants of national procedure `code`, in code order."""
        return sorted(self._members.get(code, ()), key=self.codes.__getitem__)

    def set_filed(self, counts: dict[str, int]) -> None:
        """Take the number of case files per procedure code."""
        filed = np.zeros(self.n, dtype=np.float32)
        for code, count in counts.items():
            n = self.by_code.get(code)
            if n is not None:
                filed[n] = count
        self.filed = filed

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and term frequencies of `term` in `field` (deleted documents left out)."""
        key = (field, term)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            try:
                result = postings.read(self.leaves, field, term)
            except Exception as exc:  # files damaged under an open index fail in many ways
                raise IndexUnavailable(f"reading {field}:{term}: {exc!r}") from exc
            if len(result[0]) and not 0 <= result[0].min() <= result[0].max() < self.n:
                raise IndexUnavailable(f"reading {field}:{term}: document numbers out of range")
            self._cache[key] = result
            if len(self._cache) > CACHE_TERMS:
                self._cache.popitem(last=False)
            return result

    def warm(self, max_share: float) -> int:
        """Read ahead the postings of the commonest useful terms; return how many were read."""
        low, high = max(20, WARM_MIN_SHARE * self.live_count), max_share * self.live_count
        common: list[tuple[int, str, str]] = []
        for field in FIELD_BOOSTS:
            with self._lock:
                common.extend((df, field, term) for df, term in postings.frequent_terms(self.leaves, field, low, high))
        common.sort(reverse=True)
        seen: set[tuple[str, str]] = set()
        for _df, field, term in common:
            if len(seen) >= WARM_TERMS:
                break
            if (field, term) not in seen:
                seen.add((field, term))
                self.postings(field, term)
        return len(seen)

    def suggest(self, word: str, maxdist: int) -> list[str]:
        """Words of the names within `maxdist` edits of `word` (kept: a generation never changes)."""
        key = (word, maxdist)
        with self._lock:
            if key in self._suggestions:
                return self._suggestions[key]
            try:
                found = self.searcher.corrector("name").suggest(word, limit=8, maxdist=maxdist)
            except Exception as exc:
                raise IndexUnavailable(f"suggesting for {word}: {exc!r}") from exc
            if len(self._suggestions) >= CACHE_TERMS:
                self._suggestions.clear()
            self._suggestions[key] = found
            return found

    def current(self) -> bool:
        """Tell whether the index on disk is still the generation this engine reads."""
        try:
            return self.ix.latest_generation() == self.generation
        except OSError:
            return False

    def document_frequency(self, field: str, term: str) -> int:
        return len(self.postings(field, term)[0])

    def score(self, clauses: list[Clause]) -> np.ndarray:
        """BM25F summed over the clauses, each weighted by its boost and its field's boost."""
        scores = np.zeros(self.n, dtype=np.float32)
        n = max(self.live_count, 1)
        for clause in clauses:
            docs, tf = self.postings(clause.field, clause.term)
            if not len(docs):
                continue
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            weight = clause.boost * FIELD_BOOSTS[clause.field] * idf
            scores[docs] += weight * tf * (K1 + 1) / (tf + self._norm[clause.field][docs])
        scores[~self.live] = 0
        return scores

    def mask(self, filters: dict[str, str | None]) -> np.ndarray:
        """Documents passing every chosen filter."""
        keep = self.live.copy()
        for name, value in filters.items():
            if not value:
                continue
            if name in self.facet_arrays:
                values = list(value) if isinstance(value, (tuple, list)) else [value]
                labels = self.facet_labels[name]
                wanted = [labels.index(v) for v in values if v in labels]
                keep &= np.isin(self.facet_arrays[name], wanted)
            elif name in self.multi_arrays:
                only = np.zeros(self.n, dtype=bool)
                docs = self.multi_arrays[name].get(value)
                if docs is not None:
                    only[docs] = True
                keep &= only
        return keep

    def facets(self, selected: np.ndarray) -> dict[str, dict[str, int]]:
        """How many of the selected documents carry each value of each facet."""
        counts: dict[str, dict[str, int]] = {}
        for name, codes in self.facet_arrays.items():
            labels = self.facet_labels[name]
            tally = np.bincount(codes[selected], minlength=len(labels))
            counts[name] = {labels[i]: int(c) for i, c in enumerate(tally) if c and labels[i]}
        for name, groups in self.multi_arrays.items():
            counts[name] = {v: int(np.count_nonzero(selected[docs])) for v, docs in groups.items()}
            counts[name] = {v: c for v, c in counts[name].items() if c}
        return counts


_NATIONAL = re.compile(r"^\d{1,2}\.\d{6}(?!\d)")


def national_code(code: str) -> str:
    """The national procedure's code of a local variant ("1.001193.H34" and "1.001193A" give
    "1.001193"); any other code is its own."""
    found = _NATIONAL.match(code)
    return found.group() if found else code
