"""Search through the site: ranking, diacritics, facets, suggestions, and an index that follows
the database and comes back when it is lost."""

import shutil
import threading
from pathlib import Path

import pytest

from app.db import get_session
from app.imports.procedures import import_procedures
from app.search import index
from tests.conftest import load, soup
from tests.fragments import assert_same_as_page


@pytest.fixture
def indexed(app):
    load(app, (import_procedures, "search-procedures.csv"))
    return app


def names(client, query: str) -> list[str]:
    return [i["name"] for i in client.get("/api/v1/procedures", query_string={"q": query}).get_json()["items"]]


def test_a_syllable_pair_outranks_the_same_syllables_apart(client, indexed):
    found = names(client, "khai sinh")
    assert found[0] == "Đăng ký khai sinh"
    assert found.index("Đăng ký khai sinh") < found.index("Cấp phép khai thác thủy sản và sinh vật biển")


def test_a_long_unknown_word_costs_no_typo_correction(client, indexed, monkeypatch):
    """A 1,000-letter word once cost a second of edit-distance search under the engine's lock."""
    from app.search.engine import Engine

    asked, real = [], Engine.suggest
    monkeypatch.setattr(Engine, "suggest", lambda self, word, maxdist: asked.append(word) or real(self, word, maxdist))
    assert client.get("/procedures?q=dang+ky+" + "x" * 150 + "+sinh").status_code == 200
    assert client.get("/procedures?q=birthcertificate+khia").status_code == 200
    assert asked == ["khia"], "only a word a syllable could be is corrected"


def test_with_or_without_diacritics_the_same_answer(client, indexed):
    for question in ("đăng ký kết hôn", "Đăng Ký Kết Hôn"):
        assert names(client, question) == names(client, "dang ky ket hon")
    assert names(client, "dang ky ket hon")[0] == "Đăng ký kết hôn"


def test_citizens_words_find_official_names(client, indexed):
    assert names(client, "Vợ tôi mới sinh con, tôi phải đến đâu để đăng ký khai sinh?")[0] == "Đăng ký khai sinh"
    assert names(client, "sổ đỏ")[0] == "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"
    assert names(client, "cấp lại CCCD bị mất")[0] == "Cấp lại thẻ căn cước công dân"
    assert names(client, "cap lai cmnd bi mat")[0] == "Cấp lại thẻ căn cước công dân"
    assert names(client, "thẻ bảo hiểm y tế")[0] == "Cấp thẻ BHYT cho người tham gia tự nguyện"
    assert names(client, "GPLX")[0] == "Cấp đổi giấy phép lái xe"
    assert names(client, "nhập hộ khẩu cho con")[0] == "Đăng ký thường trú"
    assert names(client, "lấy chồng người Hàn Quốc")[0] == "Đăng ký kết hôn có yếu tố nước ngoài"


def test_a_code_finds_its_procedure_first(client, indexed):
    assert names(client, "1.000007")[0] == "Đăng ký thường trú"


def test_typos_are_tolerated_and_a_suggestion_offered(client, indexed):
    page = soup(client.get("/procedures?q=dang+ky+khia+sinh"))
    suggestion = page.select_one(".suggestion a")
    assert suggestion is not None and suggestion.text == "dang ky khai sinh"
    assert page.select("ol.results h3 a")[0].text == "Đăng ký khai sinh"


def test_results_are_highlighted_and_escaped(client, indexed):
    page = soup(client.get("/procedures?q=khai+sinh"))
    first = page.select_one("ol.results h3 a")
    assert [m.text for m in first.select("mark")] == ["khai", "sinh"]
    hostile = client.get("/procedures?q=%3Cscript%3Ealert(1)%3C/script%3E+khai").get_data(as_text=True)
    assert "<script>alert(1)" not in hostile


def test_facet_counts_follow_the_results(client, indexed):
    page = soup(client.get("/procedures?q=dang+ky"))
    options = {o["value"]: o.text for o in page.select("#field option") if o["value"]}
    assert any("Hộ tịch" in text and "(" in text for text in options.values())
    counted = int(options["ho-tich"].rsplit("(", 1)[1].rstrip(")"))
    only = client.get("/api/v1/procedures?q=dang+ky&field=ho-tich").get_json()
    assert only["total"] == counted and counted >= 4
    assert client.get("/api/v1/procedures?q=dang+ky&field=nope").status_code == 400


def test_nothing_found_still_helps(client, indexed, app):
    from app.imports.agencies import import_agencies
    from app.imports.cases import import_cases

    load(app, (import_agencies, "agencies.csv"))
    with app.app_context():
        assert import_cases(
            get_session(),
            (
                b"case_code,procedure_code,agency_code,received_at,due_at\n"
                b"K1,1.000007,T.H1.X1,2023-05-02,2023-05-04\nK2,1.000007,T.H1.X1,2023-05-02,2023-05-04\n"
                b"K3,1.000001,T.H1.X1,2023-05-02,2023-05-04\n"
            ),
        ).applied
        get_session().commit()
    page = soup(client.get("/procedures?q=qqqqzzzz"))
    assert "Không có thủ tục nào khớp" in page.get_text()
    assert [a.text for a in page.select("#popular-title ~ ol h3 a")] == ["Đăng ký thường trú", "Đăng ký khai sinh"]


def test_the_index_follows_an_import(client, indexed, app):
    assert "Đăng ký nuôi con nuôi" not in names(client, "nuoi con nuoi")
    with app.app_context():
        session = get_session()
        report = import_procedures(
            session,
            (
                "Mã số,Tên,Cơ quan ban hành,Cơ quan thực hiện,Lĩnh vực\n"
                "1.000013,Đăng ký nuôi con nuôi trong nước,Bộ Tư pháp,Ủy ban nhân dân cấp xã,Nuôi con nuôi\n"
                "1.000001,Đăng ký khai sinh cho trẻ em,Bộ Tư pháp,Ủy ban nhân dân cấp xã,Hộ tịch\n"
            ).encode(),
        )
        assert report.applied
        assert names(client, "nuoi con nuoi")[:1] != ["Đăng ký nuôi con nuôi trong nước"], "not before the commit"
        session.commit()  # the index follows the committed catalogue
        assert app.extensions["search"].sync(get_session()) == (0, 0), "already in step"
    assert names(client, "nuoi con nuoi")[0] == "Đăng ký nuôi con nuôi trong nước"
    assert names(client, "tre em")[0] == "Đăng ký khai sinh cho trẻ em"


def _wait_for_rebuild() -> None:
    for thread in threading.enumerate():
        if thread.name == "search-rebuild":
            thread.join(timeout=60)


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_a_lost_index_is_rebuilt_while_the_site_keeps_answering(client, indexed, app, damage):
    directory = app.config["SEARCH_INDEX_DIR"]
    if damage == "delete":
        shutil.rmtree(directory)
    else:
        for path in Path(directory).iterdir():
            path.write_bytes(b"not an index")
    app.extensions["search"].forget()  # as a worker started after the damage finds it
    answer = client.get("/procedures?q=khai+sinh")
    assert answer.status_code == 200
    assert "Đăng ký khai sinh" in answer.get_data(as_text=True)  # plain matching meanwhile
    _wait_for_rebuild()
    assert app.extensions["search"].search("khai sinh", {}).ids  # the index is back
    assert names(client, "khai sinh")[0] == "Đăng ký khai sinh"


def test_an_index_cut_short_under_an_open_engine_is_an_error_not_a_crash(client, indexed, app):
    """A memory-mapped file cut short kills the process with SIGBUS at the next read past its end
    (a worker lost per request): the index's files are read instead, and the damage is an error."""
    assert names(client, "khai sinh")  # the engine is open, its files too
    ix = index.open_index(app.config["SEARCH_INDEX_DIR"])
    assert ix.storage.supports_mmap is False
    ix.close()
    for path in Path(app.config["SEARCH_INDEX_DIR"]).iterdir():
        if path.suffix == ".seg" or path.stat().st_size > 4096:
            with open(path, "r+b") as handle:
                handle.truncate(path.stat().st_size // 3)
    for question in ("kết hôn", "giấy phép xây dựng", "đất đai"):  # terms not read yet
        assert client.get("/procedures", query_string={"q": question}).status_code == 200
    _wait_for_rebuild()


def test_search_reindex_command(runner, indexed, app):
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "indexed 12 procedures" in result.output
    assert runner.invoke(args=["search", "sync"]).output.strip() == "index in step: 0 written, 0 deleted"


def test_live_search_fragment_shares_markup_and_varies(client, indexed):
    full = client.get("/procedures?q=khai+sinh")
    fragment = client.get("/procedures?q=khai+sinh", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.headers["Vary"] and "<html" not in fragment.get_data(as_text=True)
    assert soup(fragment).select_one("ol.results") and soup(fragment).select_one("#q") is None
    assert list(assert_same_as_page(full, fragment, "#results")) == ["facets"]
    form = soup(full).select_one("form.filters")
    assert "delay:" in form["hx-trigger"] and form["hx-push-url"] == "true"


def test_a_rebuild_written_in_several_segments_answers_as_one(client, indexed, app, monkeypatch):
    questions = ("khai sinh", "dang ky ket hon", "so do", "giay phep lai xe")
    before = {q: names(client, q) for q in questions}
    monkeypatch.setattr(index, "SEGMENT_DOCS", 5)
    service = app.extensions["search"]
    with app.app_context():
        assert service.reindex(get_session(), procs=1) == 12
        assert len(service.engine().leaves) == 3  # 5 + 5 + 2 documents
    assert {q: names(client, q) for q in questions} == before


def test_one_process_rebuilds_at_a_time(indexed, app):
    """Gunicorn workers share the index directory: a rebuild in progress elsewhere is not duplicated."""
    service = app.extensions["search"]
    with app.app_context(), index._rebuilding(Path(service.directory), wait=True), pytest.raises(index.RebuildBusy):
        service.reindex(get_session(), wait=False)
    with app.app_context():
        assert service.reindex(get_session(), wait=False) == 12


def test_marks_fall_exactly_on_the_words_whose_folded_form_was_asked(databases, tmp_path):
    """The one-regex highlighter against its definition, word by word, over a real sample."""
    import json
    import re

    from markupsafe import escape

    from app.search.highlight import highlight
    from app.text import fold
    from tests.conftest import FIXTURES

    def by_definition(text, words):
        out, last = [], 0
        for match in re.finditer(r"\w+", text):
            if fold(match.group()) in words:
                out += [str(escape(text[last : match.start()])), f"<mark>{escape(match.group())}</mark>"]
                last = match.end()
        return "".join(out) + str(escape(text[last:]))

    texts = []
    for line in (FIXTURES / "national-sample.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts += [value for value in record.values() if isinstance(value, str)]
    texts += ["ĐĂNG KÝ KHAI SINH", "Đăng ký lại; đăng-ký (dang ky)", "Giấy chứng nhận Quyền sử dụng đất"]
    questions = [
        {"dang", "ky"},
        {"khai", "sinh"},
        {"giay", "phep", "xay", "dung"},
        {"dat"},
        {"ho", "tich"},
        {"chung", "thuc", "ban", "sao"},
        {"quyen", "su", "dung"},
        {"a"},
        {"1"},
    ]
    assert any("<mark>" in str(highlight(t, q)) for t in texts for q in questions)
    for text in texts:
        for words in questions:
            assert str(highlight(text, words)) == by_definition(text, words), (text[:80], words)


def test_each_app_keeps_its_own_engine_and_sees_another_rebuild_the_index(client, indexed, app):
    """Two workers on one index directory: separate engines; a rebuild by one is seen by the other,
    even when the new index's generation number equals the old one's."""
    from sqlalchemy import text

    from app import create_app

    twin = create_app(dict(app.config))
    ours, theirs = app.extensions["search"], twin.extensions["search"]
    assert ours.engine() is not theirs.engine()
    generation = ours.engine().generation
    with twin.app_context():  # a rename the index is not told of: only a rebuild brings it in
        session = get_session()
        session.execute(text("UPDATE procedures SET name = 'Đăng ký nuôi con nuôi' WHERE code = '1.000001'"))
        session.commit()
        assert names(client, "nuoi con nuoi")[:1] != ["Đăng ký nuôi con nuôi"]
        assert theirs.reindex(get_session()) == 12
    assert theirs.engine().generation == generation
    assert names(client, "nuoi con nuoi")[0] == "Đăng ký nuôi con nuôi"


def test_the_null_search_answers_by_plain_matching_and_writes_no_index(databases, tmp_path):
    from tests.conftest import make_app

    app = make_app(databases, tmp_path, SEARCH_BACKEND="null")
    load(app, (import_procedures, "search-procedures.csv"))
    client = app.test_client()
    # The names holding every word: plain matching, as when the index is lost.
    assert set(names(client, "khai sinh")) == {"Đăng ký khai sinh", "Cấp phép khai thác thủy sản và sinh vật biển"}
    page = client.get("/procedures?q=khai+sinh")
    assert "Đăng ký khai sinh" in page.get_data(as_text=True) and page.headers.get("X-Page-Cache") is None
    assert not Path(app.config["SEARCH_INDEX_DIR"]).exists()
    assert app.test_cli_runner().invoke(args=["search", "sync"]).output.strip() == "index in step: 0 written, 0 deleted"
    with pytest.raises(ValueError, match="SEARCH_BACKEND"):
        make_app(databases, tmp_path / "other", SEARCH_BACKEND="elastic")
