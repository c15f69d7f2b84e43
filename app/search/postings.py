"""Reading the index's posting lists and term statistics: the one module that knows Whoosh's postings.

Whoosh's public matcher hands out one posting per three method calls. The block reader of the
pinned whoosh-reloaded decodes a block of 128 ids and weights at once, but only through private
attributes. On the real corpus (5,739 procedures) the 200 commonest terms' 659,000 postings take
0.16 s of CPU that way and 0.27 s through the public API, and a search whose terms are not yet
cached 17 ms instead of 25 (p50; `python -m benchmarks.postings`). So the fast path is kept, taken
only for the exact matcher class of the release it was checked against (`TESTED_RELEASE`);
anything else reads through the public API, and tests/test_postings.py fails on an upgrade until
the two readers are checked equal again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

# The whoosh-reloaded release whose block reader the fast path was checked against.
TESTED_RELEASE = "2.7.5"
# What the fast path reads of a W3LeafMatcher (tests/test_postings.py checks they exist).
PRIVATE = ("_read_ids", "_read_weights", "_next_block", "_ids", "_weights", "_atend", "_blocklength")
Leaves = Iterable[tuple[Any, int]]  # Whoosh's segment readers (untyped)


def _release() -> str | None:
    try:
        return metadata.version("whoosh-reloaded")
    except metadata.PackageNotFoundError:
        return None


FAST = _release() == TESTED_RELEASE


def read(leaves: Leaves, field: str, term: str, fast: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and frequencies of `term` in `field` over every segment, deleted documents left out."""
    fast = FAST if fast is None else fast
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for leaf, offset in leaves:
        if (field, term) not in leaf:
            continue
        matcher = leaf.postings(field, term)
        raw = matcher.child if isinstance(matcher, FilterMatcher) else matcher
        if fast and type(raw) is W3LeafMatcher:
            found, freqs = _blocks(raw)
            if raw is not matcher:  # the public matcher filters deleted documents: so do we
                deleted = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                keep = ~np.isin(found, deleted)
                found, freqs = found[keep], freqs[keep]
        else:
            found, freqs = _one_by_one(matcher)
        ids.append(found + offset)
        weights.append(freqs)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def public(leaves: Leaves, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """The same as `read`, through Whoosh's public matcher API only."""
    return read(leaves, field, term, fast=False)


def _one_by_one(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def _blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """A block at a time: each block's decoded ids and weights taken whole."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
        if matcher._atend:
            break
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def frequent_terms(leaves: Leaves, field: str, low: float, high: float) -> Iterator[tuple[int, str]]:
    """(document frequency, term) of every term of `field` seen in `low` to `high` documents of a segment."""
    for leaf, _offset in leaves:
        for text, info in leaf.iter_field(field):
            if low <= info.doc_frequency() <= high:
                yield info.doc_frequency(), text.decode("utf-8") if isinstance(text, bytes) else text
