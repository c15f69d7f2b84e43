"""The analyzer and the query building, without Flask, a database or an index."""

from app.search.analyzer import analyse, index_tokens, pairs, syllables
from app.search.engine import Clause
from app.search.query import MAX_SHARE, MAX_WORDS, clauses, informative


def test_syllables_are_nfc_folded_and_dd_becomes_d():
    decomposed = "Đăng ky\u0301 khai sinh"  # "ký" typed as k, y, combining acute
    assert syllables(decomposed) == ["dang", "ky", "khai", "sinh"]
    assert syllables("ĐĂNG KÝ KHAI SINH") == syllables("dang ky khai sinh")


def test_pairs_join_neighbours():
    assert pairs(["dang", "ky", "khai", "sinh"]) == ["dang_ky", "ky_khai", "khai_sinh"]


def test_questions_with_and_without_diacritics_are_the_same():
    question = "Vợ tôi mới sinh con, tôi phải đến đâu để đăng ký khai sinh?"
    ascii_question = "Vo toi moi sinh con, toi phai den dau de dang ky khai sinh?"
    assert analyse(question) == analyse(ascii_question)


def test_question_words_are_dropped_but_pairs_keep_them():
    analysed = analyse("Tôi muốn đăng ký khai sinh cho con của tôi, được không?")
    assert analysed.terms == ["dang", "ky", "khai", "sinh", "cho", "con"]
    assert "toi_muon" in analysed.pairs and "khai_sinh" in analysed.pairs


def test_a_question_of_stop_words_only_keeps_its_words():
    assert analyse("là gì").terms == ["la", "gi"]


def test_abbreviations_mean_the_same_in_procedures_and_questions():
    assert index_tokens("thẻ BHYT") == index_tokens("thẻ bảo hiểm y tế")
    assert index_tokens("GPLX") == syllables("giấy phép lái xe")
    assert analyse("cap lai cmnd bi mat").terms[:5] == ["cap", "lai", "chung", "minh", "nhan"]


def test_everyday_words_add_the_official_ones():
    red_book = analyse("sổ đỏ")
    assert {"quyen", "su", "dung", "dat"} <= set(red_book.expansions)
    assert "quyen_su" in red_book.expansion_pairs
    household = analyse("nhap ho khau cho con")
    assert {"thuong", "tru"} <= set(household.expansions)
    foreign = analyse("tôi muốn lấy chồng người Hàn Quốc")
    assert {"ket", "hon", "nuoc", "ngoai"} <= set(foreign.expansions)


def test_informative_words_drop_missing_and_common_ones_rarest_first():
    frequency = {"khai": 40, "sinh": 30, "dang": 90, "xyz": 0}.get
    assert informative(["dang", "khai", "sinh", "xyz"], frequency, 100) == ["sinh", "khai"]
    many = [f"w{i}" for i in range(MAX_WORDS + 5)]
    assert len(informative(many, lambda w: 1, 100)) == MAX_WORDS
    assert informative(["dang"], lambda w: int(MAX_SHARE * 100) + 1, 100) == []


def test_clauses_weigh_pairs_and_expansions_in_every_field():
    analysed = analyse("sổ đỏ")
    built = clauses(analysed, lambda field, word: 1, 100)
    assert Clause("name", "so", 1.0) in built and Clause("text", "so", 1.0) in built
    assert any(c.field == "name_pairs" and c.term == "so_do" for c in built)
    expansion = [c for c in built if c.term == "quyen"]
    assert expansion and all(c.boost < 1.0 for c in expansion)
