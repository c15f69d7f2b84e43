"""The contract with Whoosh's internals: the block reader of app/search/postings.py reads exactly what
the public matcher API reads, on the release it was checked against. An upgrade of whoosh-reloaded
fails here first; check the private attributes again, then move TESTED_RELEASE and the pin together.
"""

from collections import Counter
from importlib import metadata
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher

from app.search import index, postings
from app.search.engine import FIELD_BOOSTS, Engine

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
WORDS = ["dang", "ky", "khai", "sinh", "ket", "hon", "cap", "giay", "phep", "xay", "dung", "dat"]


def _text(n: int) -> str:
    """A document whose words and counts vary with n: common words span several 128-posting blocks."""
    words = [w for i, w in enumerate(WORDS) if n % (i + 2) == 0] or ["hiem"]
    return " ".join(words + words[: n % 3] + ([f"rieng{n}"] if n % 50 == 0 else []))


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    """Three segments of 1,600 documents in all, some deleted, terms inlined and terms in many blocks."""
    directory = tmp_path_factory.mktemp("postings")
    ix = whoosh_index.create_in(directory, index.SCHEMA, indexname=index.INDEX_NAME)
    docs = {}
    for start, stop in ((0, 900), (900, 1500), (1500, 1600)):
        writer = ix.writer()
        for n in range(start, stop):
            docs[str(n)] = text = _text(n)
            pairs = " ".join(f"{a}_{b}" for a, b in zip(text.split(), text.split()[1:]))
            writer.add_document(id=str(n), code=f"1.{n:06d}", name=text, name_pairs=pairs, text=text, text_pairs=pairs)
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, 1600, 7):
        writer.delete_by_term("id", str(n))
        del docs[str(n)]
    writer.commit(merge=False)
    engine = Engine(ix)
    yield engine, docs
    engine.close()


def _terms(engine):
    return [
        (field, term)
        for field in FIELD_BOOSTS
        for _df, term in postings.frequent_terms(engine.leaves, field, 1, float("inf"))
    ]


def test_the_installed_whoosh_is_the_release_the_block_reader_was_checked_against():
    assert metadata.version("whoosh-reloaded") == postings.TESTED_RELEASE
    assert f"whoosh-reloaded=={postings.TESTED_RELEASE}" in REQUIREMENTS.read_text().splitlines()
    assert postings.FAST


def test_the_private_attributes_exist(small_index):
    engine, _docs = small_index
    leaf = next(leaf for leaf, _offset in engine.leaves if leaf.has_deletions())
    matcher = leaf.postings("text", "dang").child  # deleted documents: the public matcher wraps it
    assert type(matcher) is W3LeafMatcher
    for name in ("_read_ids", "_read_weights", "_next_block"):
        assert callable(getattr(matcher, name)), name
    matcher._read_ids()
    matcher._read_weights()
    for name in postings.PRIVATE:
        assert hasattr(matcher, name), name
    assert len(matcher._ids) == len(matcher._weights) == matcher._blocklength > 1
    assert matcher._atend is False


def test_the_block_reader_reads_what_the_public_api_reads(small_index):
    engine, _docs = small_index
    terms = _terms(engine)
    for field, term in terms:
        fast_ids, fast_weights = postings.read(engine.leaves, field, term, fast=True)
        ids, weights = postings.public(engine.leaves, field, term)
        assert fast_ids.tolist() == ids.tolist(), (field, term)
        assert fast_weights.tolist() == weights.tolist(), (field, term)
    first = engine.leaves[0][0]
    blocks = {field for field, term in terms if first.doc_frequency(field, term) > 128}
    assert blocks == set(FIELD_BOOSTS), "lists of several 128-posting blocks, in every field"
    assert any(first.doc_frequency(field, term) == 1 for field, term in terms), "and inlined ones"


def test_postings_are_the_live_documents_and_their_counts(small_index):
    engine, docs = small_index
    terms = list(_terms(engine))
    assert len(terms) >= 20
    for field, term in terms:
        ids, weights = engine.postings(field, term)
        found = {str(engine.ids[n]): w for n, w in zip(ids.tolist(), weights.tolist())}
        tokens = {
            pid: (
                text
                if field in ("name", "text")
                else " ".join(f"{a}_{b}" for a, b in zip(text.split(), text.split()[1:]))
            ).split()
            for pid, text in docs.items()
        }
        expected = {pid: float(Counter(words)[term]) for pid, words in tokens.items() if term in words}
        assert found == expected, (field, term)
