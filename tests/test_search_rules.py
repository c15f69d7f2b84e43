"""The search's rules one at a time: synonyms as whole words, negation, English questions, codes in
a sentence, priors, local variants counted once, long questions and valid-syllable typos."""

from types import SimpleNamespace

import numpy as np
import pytest

from app.search import english, pair_corrections, priors, synonyms
from app.search.analyzer import Analysed, abbreviations, analyse, stop_words
from app.search.documents import audience
from app.search.engine import national_code
from tests.conftest import load, soup

# Document frequencies of a small imagined corpus: "con nuôi" and "lao động" are words, "nhận con"
# and "người lao" are syllables that happen to meet; "đối với" is a fixed expression.
FREQUENCIES = {
    "text": {"nhan": 4000, "con": 600, "nuoi": 200, "nguoi": 2600, "lao": 370, "dong": 2800, "doi": 3000, "voi": 2700},
    "text_pairs": {"nhan_con": 20, "con_nuoi": 25, "nguoi_lao": 90, "lao_dong": 300, "doi_voi": 2300},
}


def frequency(field: str, term: str) -> int:
    return FREQUENCIES[field].get(term, 0)


def entries(*lines: str) -> tuple[synonyms.Entry, ...]:
    built = [synonyms._entry(*line.split(" = "), line) for line in lines]
    return tuple(sorted(built, key=lambda e: -len(e)))


def fired(question: str, table: tuple[synonyms.Entry, ...], with_frequency: bool = True) -> list[str]:
    tokens = synonyms.tokens(question, abbreviations(), stop_words())
    return [m.entry.source for m in synonyms.matches(tokens, frequency if with_frequency else None, table)]


def test_a_synonym_does_not_match_syllables_of_a_neighbouring_word():
    table = entries("nhận con = nhận cha mẹ con", "người Lào = có yếu tố nước ngoài")
    assert fired("tôi muốn nhận con", table) == ["nhận con = nhận cha mẹ con"]
    # "con nuôi" binds tighter than "nhận con": the entry stands inside another word.
    assert fired("tôi muốn nhận con nuôi", table) == []
    assert fired("nhan con nuoi", table) == []
    # Typed without diacritics "lao" is also "Lào"; "lao động" is a word, so it is not the country.
    assert fired("nguoi lao dong bi tai nan", table) == []
    # Without corpus frequencies there is nothing to judge boundaries by: the words match.
    assert fired("nhận con nuôi", table, with_frequency=False) == ["nhận con = nhận cha mẹ con"]


def test_diacritics_typed_tell_words_apart():
    table = entries("đổi = cấp đổi")
    assert fired("đổi thẻ", table) == ["đổi = cấp đổi"]
    assert fired("đối tượng", table) == []  # "đối" is not "đổi"
    # A stop word takes a syllable only in a fixed expression: "doi voi" is "đối với".
    assert fired("doi voi the", table) == []


def test_the_longest_match_owns_its_syllables():
    table = entries("hộ khẩu = thường trú", "nhập hộ khẩu = đăng ký thường trú")
    assert fired("nhập hộ khẩu cho con", table) == ["nhập hộ khẩu = đăng ký thường trú"]


def test_nothing_is_added_under_negation():
    table = entries("lấy nhau = đăng ký kết hôn", "sổ đỏ = giấy chứng nhận quyền sử dụng đất")
    # Negation reaches the match right after it only: "chưa có sổ đỏ" asks for one.
    assert fired("nhà tôi chưa có sổ đỏ", table) == ["sổ đỏ = giấy chứng nhận quyền sử dụng đất"]
    assert fired("hai người muốn lấy nhau", table) == ["lấy nhau = đăng ký kết hôn"]
    assert fired("cả hai chưa lấy nhau nay đã có con", table) == []
    assert fired("ca hai chua lay nhau", table) == []
    # Negation ends with its clause.
    assert fired("không có giấy tờ, nay muốn lấy nhau", table) == ["lấy nhau = đăng ký kết hôn"]


def test_country_names_come_from_cldr():
    assert "Hàn Quốc" in synonyms.countries() and "Ai Cập" in synonyms.countries()
    assert {"nuoc", "ngoai"} <= set(analyse("chồng tôi là người Ai Cập", frequency).expansions)
    assert {"nuoc", "ngoai"} <= set(analyse("lấy chồng quốc tịch Mỹ", frequency).expansions)


def test_english_questions_are_told_from_vietnamese_without_diacritics():
    # Words that are Vietnamese syllables in the corpus are no evidence of English.
    corpus = {"so", "do", "ho", "cap", "lam", "online", "the"}.__contains__
    for question in ("so do", "cap so do", "ho so online", "lam so do"):
        assert not english.is_english(question, "en", lambda field, word: int(corpus(word))), question
    assert english.is_english("birth registration", None, lambda field, word: int(corpus(word)))
    assert english.is_english("How do I register the birth of my baby?")
    assert english.is_english("birth registration")
    assert not english.is_english("dang ky khai sinh cho con")
    assert not english.is_english("đăng ký khai sinh")
    # Fewer English words are needed on the English site.
    assert not english.is_english("ho chieu passport renewal")
    assert english.is_english("ho chieu passport renewal", "en")


def test_english_questions_become_the_procedures_words():
    assert english.translate("How do I register the birth of my baby?") == "đăng ký khai sinh khai sinh"
    assert english.translate("Driving licences renewal") == "giấy phép lái xe cấp đổi"
    assert english.translate("criminal record certificate") == "phiếu lý lịch tư pháp giấy chứng nhận"


def test_organisations_only_procedures_are_held_back_for_a_citizen():
    assert audience("Công dân Việt Nam, Doanh nghiệp") == "citizen"
    assert audience("Doanh nghiệp, Tổ chức (không bao gồm doanh nghiệp, HTX)") == "organisation"
    assert audience(None) == ""
    engine = SimpleNamespace(
        n=3,
        facet_labels={"audience": ["", "citizen", "organisation"]},
        facet_arrays={"audience": np.array([1, 2, 0])},
        filed=np.zeros(3, dtype=np.float32),
    )
    assert priors.weights(engine, organisation=False).tolist() == pytest.approx([1.0, priors.ORGANISATION_ONLY, 1.0])
    assert priors.weights(engine, organisation=True).tolist() == [1.0, 1.0, 1.0]
    assert analyse("công ty tôi muốn xin giấy phép").organisation
    assert not analyse("tôi muốn xin giấy phép lái xe").organisation


def test_the_most_filed_procedure_comes_first_among_equals():
    engine = SimpleNamespace(
        n=3,
        facet_labels={"audience": [""]},
        facet_arrays={"audience": np.zeros(3, dtype=np.int32)},
        filed=np.array([0, 9, 99], dtype=np.float32),
    )
    factor = priors.weights(engine, organisation=False)
    assert factor[0] == 1.0 < factor[1] < factor[2] == pytest.approx(1 + priors.FILED)


def test_valid_syllable_typos_are_read_from_their_neighbours():
    pairs = {"nhap_khau": 40, "cho_con": 30}

    class Scorer:
        live_count = 100000

        def document_frequency(self, field, term):
            texts = {"nap": 2, "nhap": 400, "nam": 300, "xin": 245, "in": 300}
            return pairs.get(term, 0) if field == "text_pairs" else texts.get(term, 1)

        def suggest(self, word, maxdist):
            return {"nap": ["nap", "nhap", "nam"], "khau": ["khau"], "xin": ["xin", "in"]}.get(word, [word])

    analysed = Analysed(["nap", "khau", "cho", "con"], ["nap_khau", "khau_cho", "cho_con"])
    assert pair_corrections(Scorer(), analysed, {}) == {"nap": "nhap"}
    # A pair the corpus writes is left alone, and so is a word typed with its diacritics.
    assert pair_corrections(Scorer(), Analysed(["cho", "con"], ["cho_con"]), {}) == {}
    assert pair_corrections(Scorer(), analysed, {}, plain={"khau", "cho", "con"}) == {}
    # An everyday word with no far commoner twin stays ("xin giấy" is not "in giấy"), and so does
    # a word used by many procedures.
    pairs["in_giay"] = 50
    assert pair_corrections(Scorer(), Analysed(["xin", "giay"], ["xin_giay"]), {}) == {}
    Scorer.live_count = 100
    assert pair_corrections(Scorer(), analysed, {}) == {}


def test_local_codes_name_their_national_procedure():
    assert national_code("1.0133611") == "1.0133611"  # another procedure, not a variant of 1.013361
    assert national_code("1.001193.H34") == "1.001193"
    assert national_code("1.001612.000.00.00.H01") == "1.001612"
    assert national_code("1.004850A") == "1.004850"
    assert national_code("QT-01") == "QT-01"


@pytest.fixture
def indexed(app):
    from app.imports.procedures import import_procedures

    load(app, (import_procedures, "search-procedures.csv"), (import_procedures, "search-variants.csv"))
    return app


def codes(client, query: str, **args) -> list[str]:
    answer = client.get("/api/v1/procedures", query_string={"q": query, **args})
    assert answer.status_code == 200
    return [i["code"] for i in answer.get_json()["items"]]


def test_a_code_inside_a_sentence_comes_first(client, indexed):
    assert codes(client, "cho tôi hỏi mã thủ tục 1.000007 là gì?")[0] == "1.000007"
    assert codes(client, "so sánh 1.000012 với 1.000002")[:2] == ["1.000012", "1.000002"]
    assert codes(client, "1.000001.h34")[0] == "1.000001.H34"


def test_local_variants_count_once_and_the_others_are_one_click_away(client, indexed):
    found = codes(client, "đăng ký khai sinh")
    nationals = [national_code(c) for c in found]
    assert len(nationals) == len(set(nationals)), found
    assert "1.000001" in nationals
    page = soup(client.get("/procedures?q=đăng+ký+khai+sinh"))
    link = page.select_one("p.variants a")
    # The counts of the filters are those of the results: the variants once.
    total = int("".join(ch for ch in page.select_one("p.count").text if ch.isdigit()))
    assert total == len(found)
    counts = [int(o.text.rsplit("(", 1)[1].rstrip(")")) for o in page.select("#field option") if o["value"]]
    assert sum(counts) == total, counts
    assert link is not None and "q=1.000001" in link["href"]
    # The national code shows the procedure and every local variant.
    assert codes(client, "1.000001") == ["1.000001", "1.000001.H01", "1.000001.H02", "1.000001.H34"]


def test_the_sites_own_province_variant_stands_for_the_group(tmp_path):
    from app import create_app
    from app.db import upgrade
    from app.imports.procedures import import_procedures

    url = f"sqlite:///{tmp_path}/own.sqlite3"
    upgrade(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "SEARCH_OWN_VARIANT": ".H34",
        }
    )
    load(app, (import_procedures, "search-procedures.csv"), (import_procedures, "search-variants.csv"))
    found = codes(app.test_client(), "khai sinh")
    assert "1.000001.H34" in found and not {"1.000001", "1.000001.H01", "1.000001.H02"} & set(found)


def test_a_long_question_is_searched_by_its_beginning_with_a_note(client, indexed):
    question = "đăng ký khai sinh cho con " * 80  # 2,080 characters
    assert codes(client, question)[0] == "1.000001"
    page = client.get("/procedures", query_string={"q": question})
    assert page.status_code == 200
    assert "1.000" in soup(page).select_one("p.note").text
    assert soup(client.get("/")).select_one("#home-q")["maxlength"] == "1000"


def test_an_english_question_on_the_english_site(client, indexed):
    assert codes(client, "birth registration", lang="en")[0] == "1.000001"
    assert codes(client, "How can I register a marriage with a foreigner?", lang="en")[0] == "1.000012"
    page = soup(client.get("/en/procedures?q=birth+registration"))
    assert page.select_one(".suggestion") is None  # nothing "corrected" into Vietnamese syllables
    assert page.select("ol.results h3 a")[0].text == "Đăng ký khai sinh"


def test_did_you_mean_keeps_the_question_as_typed_with_the_correction_written_out(client, indexed):
    page = soup(client.get("/procedures?q=Đăng+ký+khia+sinh"))
    assert page.select_one(".suggestion a").text == "Đăng ký khai sinh"
    page = soup(client.get("/procedures?q=1.000001,+khia+sinh"))
    assert page.select_one(".suggestion a").text == "1.000001, khai sinh"


def test_typo_correction_stops_when_the_search_budget_is_spent(indexed):
    from app.search import Budget, corrections
    from app.search.analyzer import analyse

    with indexed.app_context():
        engine = indexed.extensions["search"].engine()
        analysed = analyse("khia sinh", engine.document_frequency)
        assert corrections(engine, analysed)[0] == {"khia": "khai"}
        assert corrections(engine, analysed, budget=Budget.of(60))[0] == {"khia": "khai"}
        spent = Budget(deadline=0.0)
        assert spent.spent() and corrections(engine, analysed, budget=spent) == ({}, analysed)


def test_the_search_budget_is_a_setting(tmp_path, databases):
    from tests.conftest import make_app

    app = make_app(databases, tmp_path, SEARCH_BUDGET_MS=25)
    assert app.extensions["search"].budget_seconds == 0.025
