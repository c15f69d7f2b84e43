"""Ratings through the HTTP interface: verified only by the receipt's token, one per file, forged
and guessed codes claiming nothing, invalid levels refused, the satisfaction figures computed
exactly, officers named and agencies' shares shown only from five verified ratings, criteria as data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import get_session
from app.feedback import service, stats
from app.feedback.criteria import criteria_sets
from app.feedback.forms import rating_form
from app.imports.cases import import_cases
from app.models import Agency, Case, Rating
from app.models.tokens import tokens_match
from tests import late_world
from tests.conftest import make_app, soup, token


@pytest.fixture
def app(databases, tmp_path):
    """These tests never search: an app without a search index (SEARCH_BACKEND=null), faster to fill."""
    return make_app(databases, tmp_path, SEARCH_BACKEND="null")


FORM = "/ratings/new"
ALL_TWO = {f"criterion_{n}": "2" for n in range(1, 10)}


def rate(client, **fields):
    return client.post("/ratings/new", data={"csrf_token": token(client, FORM), **fields})


def receipt(app, code: str) -> dict:
    """The fields the receipt's link gives the form: the case code and its token."""
    with app.app_context():
        return {"case_code": code, "t": late_world.receipt_token(get_session(), code)}


def more_cases(app, prefix: str, count: int, agency: str, officer: str) -> list[str]:
    """Import `count` finished files of `agency` handled by `officer`; return their codes."""
    codes = [f"{prefix}{n}" for n in range(1, count + 1)]
    rows = "".join(f"{c},,{agency},2023-05-02 08:00,2023-05-20,2023-05-10 10:00,,,{officer}\n" for c in codes)
    header = "case_code,procedure_code,agency_code,received_at,due_at,finished_at,status,apology_sent,officer_code\n"
    with app.app_context():
        assert import_cases(get_session(), (header + rows).encode()).applied
        get_session().commit()
    return codes


def without_csrf(response, *typed: str) -> str:
    """The page's main content, but for its CSRF token and the values `typed` (the form echoes
    what was typed; the header's language link repeats the address)."""
    main = soup(response).select_one("main")
    for field in main.select("input[name=csrf_token]"):
        field.decompose()
    html = str(main)
    for value in typed:
        html = html.replace(f'value="{value}"', 'value=""') if value else html
    return html


def test_the_receipt_link_verifies_the_rating_and_names_agency_and_officer(app, client):
    late_world.build(app)
    page = soup(client.get(late_world.receipt_link(app, "C3")))
    assert "Hồ sơ C3" in page.select_one(".notice").text
    assert not page.select("select[name=agency_code]"), "the file names the agency"
    response = rate(client, **receipt(app, "C3"), overall="satisfied", **ALL_TWO)
    assert response.status_code == 303 and "/ratings/thanks" in response.headers["Location"]
    assert "verified=1" in response.headers["Location"]
    with app.app_context():
        rating = get_session().scalar(select(Rating))
        assert rating.verified and rating.agency.code == "T.STP" and rating.officer.code == "O2"
        assert rating.case_code == "C3" and rating.case.code == "C3"
        assert rating.procedure is None  # C3's procedure code 9.999999 is not in the catalogue
        assert rating.complete and rating.score_total == 18


def test_a_second_rating_for_one_file_is_refused_clearly(app, client):
    late_world.build(app)
    assert rate(client, **receipt(app, "C1"), overall="very_satisfied").status_code == 303
    response = rate(client, **receipt(app, "C1"), overall="unsatisfied", comment="Lần hai")
    assert response.status_code == 422
    page = soup(response)
    assert "Mỗi hồ sơ chỉ được đánh giá một lần" in page.select_one(".error-summary").text
    assert page.select_one("textarea[name=comment]").text == "Lần hai"
    assert "đã được đánh giá" in client.get(late_world.receipt_link(app, "C1")).get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count(Rating.id))) == 1


def test_a_code_without_its_token_reveals_nothing_and_claims_nothing(app, client):
    """Case codes can be guessed (AGENCY-yymmdd-serial): only the receipt's token opens the file."""
    late_world.build(app)
    token = receipt(app, "C1")["t"]
    wrong = ("x" * len(token), token[:-1], token.lower() if token != token.lower() else token.upper(), "", " ")
    # The form for an existing file without (or with a wrong) token is the form for no file at all.
    nothing = without_csrf(client.get("/ratings/new?case=NO-SUCH-FILE"), "NO-SUCH-FILE")
    existing = client.get("/ratings/new?case=C1")
    assert without_csrf(existing, "C1") == nothing
    assert existing.headers["Referrer-Policy"] == "no-referrer" and "no-store" in existing.headers["Cache-Control"]
    for t in wrong:
        assert without_csrf(client.get(f"/ratings/new?case=C1&t={t}"), "C1", t) == nothing, t
        assert without_csrf(client.get(f"/ratings/new?case=NO-SUCH-FILE&t={t}"), "NO-SUCH-FILE", t) == nothing
    assert "Sở Tư pháp tỉnh Thử Nghiệm</strong>" not in nothing and "Hồ sơ C1" not in existing.get_data(as_text=True)
    # Forged ratings of a real file, of a file that does not exist yet: accepted, unverified,
    # claiming neither, naming no officer in any figure.
    for case_code, t in (("C1", ""), ("C1", "x" * 16), ("C1", token[:-1]), ("FUTURE-1", ""), ("FUTURE-1", token)):
        response = rate(client, case_code=case_code, t=t, agency_code="T.STP", officer_code="O1", overall="unsatisfied")
        assert response.status_code == 303 and "verified" not in response.headers["Location"], case_code
    # Without an agency, a code alone (real or not) is the same refusal.
    refusals = [rate(client, case_code=c, overall="unsatisfied", comment="Giữ") for c in ("C1", "NO-SUCH-FILE")]
    assert [r.status_code for r in refusals] == [422, 422]
    assert without_csrf(refusals[0], "C1") == without_csrf(refusals[1], "NO-SUCH-FILE")
    assert soup(refusals[0]).select_one("input[name=case_code]")["value"] == "C1", "what was typed is kept"
    with app.app_context():
        session = get_session()
        forged = list(session.scalars(select(Rating)))
        assert len(forged) == 5
        assert all(not r.verified and r.case_code is None and r.case_id is None for r in forged)
    # The real applicant rates their file, and so does the applicant of the file that came later.
    more_cases(app, "FUTURE-", 1, "T.STP", "O1")
    assert "verified=1" in rate(client, **receipt(app, "C1"), overall="satisfied").headers["Location"]
    assert "verified=1" in rate(client, **receipt(app, "FUTURE-1"), overall="satisfied").headers["Location"]


def test_a_verified_rating_takes_everything_from_the_file_whatever_the_form_says(app, client):
    late_world.build(app)
    response = rate(
        client,
        **receipt(app, "C3"),
        agency_code="T.H1",
        officer_code="O3",
        procedure_code="1.010093",
        overall="satisfied",
    )
    assert response.status_code == 303
    with app.app_context():
        rating = get_session().scalar(select(Rating))
        assert (rating.agency.code, rating.officer.code, rating.procedure) == ("T.STP", "O2", None)


def test_an_officer_must_belong_to_the_agency(app, client):
    late_world.build(app)
    response = rate(client, agency_code="T.STP", officer_code="O3", overall="unsatisfied", comment="Giữ lại")
    assert response.status_code == 422
    page = soup(response)
    assert "không thuộc cơ quan" in page.select_one(".error-summary").text
    assert page.select_one("textarea[name=comment]").text == "Giữ lại"
    assert rate(client, agency_code="T.H1.X1", officer_code="O3", overall="unsatisfied").status_code == 303


def test_unverified_ratings_never_name_an_officer_and_count_apart(app, client):
    """The attack the issue saw: six requests put an officer of another agency at 0,0%."""
    late_world.build(app)
    app.config["RATING_RATE_LIMIT"] = "100 per minute"
    for _ in range(6):
        assert rate(client, agency_code="T.STP", officer_code="O2", overall="unsatisfied").status_code == 303
    page = soup(client.get("/satisfaction"))
    assert "Trần Thị Bình" not in page.select_one("#officers-title").find_parent("section").text
    body = client.get("/api/v1/satisfaction").get_json()
    stp = next(item for item in body["items"] if item["agency_code"] == "T.STP")
    assert (stp["ratings"], stp["satisfied_pct"], stp["average_score"]) == (0, None, None)
    assert (stp["unverified_ratings"], stp["unverified_satisfied_pct"]) == (6, 0.0)
    with app.app_context():
        assert stats.officer_months(get_session(), "O2", minimum=1) == []  # the officer's own page


def test_shares_are_shown_only_from_the_minimum_of_verified_ratings(app, client):
    late_world.build(app)
    app.config["RATING_RATE_LIMIT"] = "100 per minute"
    codes = more_cases(app, "M", 5, "T.STP", "O1")
    for code in codes[:4]:
        assert rate(client, **receipt(app, code), overall="satisfied").status_code == 303

    def stp():
        body = client.get("/api/v1/satisfaction").get_json()
        return next(item for item in body["items"] if item["agency_code"] == "T.STP")

    assert (stp()["ratings"], stp()["satisfied_pct"]) == (4, None)
    page = soup(client.get("/satisfaction"))
    row = next(tr for tr in page.select("tbody tr") if "Sở Tư pháp" in tr.th.text)
    assert [td.text for td in row.select("td")][:1] == ["4"] and "–" in [td.text for td in row.select("td")]
    assert "Nguyễn Văn An" not in page.select_one("#officers-title").find_parent("section").text
    assert rate(client, **receipt(app, codes[4]), overall="unsatisfied").status_code == 303
    assert (stp()["ratings"], stp()["satisfied_pct"]) == (5, 80.0)
    page = soup(client.get("/satisfaction"))
    assert "Nguyễn Văn An" in page.select_one("#officers-title").find_parent("section").text
    with app.app_context():
        [(_month, figures)] = stats.officer_months(get_session(), "O1", minimum=5)
        assert (figures.ratings, figures.satisfied_pct) == (5, 80.0)


def test_receipt_tokens_are_random_unique_and_kept_by_every_import(app):
    late_world.build(app)
    with app.app_context():
        session = get_session()
        before = dict(session.execute(select(Case.code, Case.receipt_token)).tuples().all())
        assert all(t and len(t) == 16 for t in before.values())
        assert len(set(before.values())) == len(before)
    late_world.build(app)  # the same files again, and changed ones
    more_cases(app, "C", 3, "T.STP", "O2")  # C1..C3 updated
    with app.app_context():
        after = dict(get_session().execute(select(Case.code, Case.receipt_token)).tuples().all())
    assert {code: after[code] for code in before} == before
    assert not tokens_match(before["C1"], before["C2"]) and tokens_match(before["C1"], before["C1"])
    assert not tokens_match(None, None) and not tokens_match(before["C1"], None)


def test_invalid_levels_and_criteria_are_refused_with_the_values_kept(app, client):
    late_world.build(app)
    for fields in (
        {"overall": "hai_long_lam"},
        {"overall": "satisfied", "criterion_3": "5"},
        {"overall": "satisfied", "criterion_10": "2", "criterion_1": "-1"},
        {"overall": ""},
        {"overall": "satisfied", "agency_code": ""},
        {"overall": "satisfied", "agency_code": "NOPE"},
    ):
        data = {"agency_code": "T.STP", "comment": "Giữ lại", **fields}
        response = rate(client, **data)
        assert response.status_code == 422, fields
        page = soup(response)
        assert page.select(".error-summary li"), fields
        assert page.select_one("textarea[name=comment]").text == "Giữ lại"
    with app.app_context():
        assert get_session().scalar(select(func.count(Rating.id))) == 0


def test_satisfaction_figures_are_exact(app, client):
    late_world.build(app)
    app.config["RATING_RATE_LIMIT"] = "100 per minute"
    partial = {"criterion_1": "2", "criterion_2": "0"}
    nine = [
        dict(ALL_TWO),
        {**{f"criterion_{n}": "1" for n in range(1, 10)}, "criterion_1": "2"},
        {
            **{f"criterion_{n}": "1" for n in range(1, 10)},
            "criterion_9": "2",
            "criterion_8": "2",
            "criterion_7": "2",
            "criterion_6": "2",
        },
    ]
    plan = [
        ("very_satisfied", nine[0]),
        ("very_satisfied", nine[1]),
        ("very_satisfied", partial),
        ("satisfied", nine[2]),
        ("satisfied", {}),
        ("unsatisfied", {}),
        ("unsatisfied", partial),
    ]
    files = more_cases(app, "F", 7, "T.STP", "O2") + more_cases(app, "H", 1, "T.H1", "O2")
    for (overall, scores), code in zip(plan, files):
        assert rate(client, **receipt(app, code), overall=overall, **scores).status_code == 303
    assert rate(client, **receipt(app, "H1"), overall="unsatisfied").status_code == 303
    # Unverified ratings, all unsatisfied, change none of the figures: they are counted apart.
    for _ in range(5):
        assert rate(client, agency_code="T.STP", officer_code="O1", overall="unsatisfied", **ALL_TWO).status_code == 303
    body = client.get("/api/v1/satisfaction").get_json()
    stp = next(item for item in body["items"] if item["agency_code"] == "T.STP")
    # 5 of 7 satisfied: 71.43% -> 71.4; complete ratings 18, 10 and 13 -> 41 / 3 = 13.67 -> 13.7
    assert (stp["ratings"], stp["satisfied_pct"], stp["average_score"]) == (7, 71.4, 13.7)
    assert (stp["very_satisfied"], stp["satisfied"], stp["unsatisfied"], stp["scored_all_criteria"]) == (3, 2, 2, 3)
    assert (stp["unverified_ratings"], stp["unverified_satisfied_pct"]) == (5, 0.0)
    assert body["totals"]["ratings"] == 8 and body["totals"]["satisfied_pct"] == 62.5
    h1 = next(item for item in body["items"] if item["agency_code"] == "T.H1")
    assert (h1["ratings"], h1["satisfied_pct"], h1["average_score"]) == (1, None, None)  # below five
    month = body["period"]["from"]
    assert body["period"] == {"from": month, "to": month}
    page = soup(client.get("/satisfaction"))
    row = next(tr for tr in page.select("tbody tr") if "Sở Tư pháp" in tr.th.text)
    assert [td.text for td in row.select("td")][:6] == ["7", "3", "2", "2", "71,4%", "13,7"]
    # O2 has eight verified ratings: named; O1, with five unverified only, is not.
    assert "Trần Thị Bình" in page.select_one("#officers-title").find_parent("section").text
    assert "Nguyễn Văn An" not in client.get("/satisfaction").get_data(as_text=True)
    assert "Sở Tư pháp" in client.get("/agencies/T.STP").get_data(as_text=True)
    csv = client.get("/satisfaction.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffagency_code,") and "T.STP,Sở Tư pháp tỉnh Thử Nghiệm,7,71.4,13.7," in csv


def test_bad_satisfaction_parameters_answer_400(client):
    for query in ("month=2022-13", "sort=bogus", "dir=sideways", "from=2022-05&to=2022-01", "month=x"):
        assert client.get(f"/api/v1/satisfaction?{query}").status_code == 400, query
        assert client.get(f"/satisfaction?{query}").status_code == 400, query
    assert client.get("/api/v1/satisfaction").get_json() == {"period": None, "items": [], "totals": None}


def test_criteria_are_data(tmp_path, app):
    data = tmp_path / "criteria.toml"
    data.write_text(
        '[sets."thu-2025"]\ntitle = "Bộ thử"\n'
        + "".join(
            f'[[sets."thu-2025".criteria]]\ntext = "Tiêu chí {n}"\nlevels = ["Kém", "Được", "Tốt"]\n'
            for n in range(1, 6)
        ),
        encoding="utf-8",
    )
    custom = criteria_sets(data)["thu-2025"]
    assert len(custom.criteria) == 5 and custom.max_score == 10
    with app.test_request_context():
        form = rating_form(custom, "vi")
        assert form.criteria_fields == [f"criterion_{n}" for n in range(1, 6)]
        assert [c.label for c in form.criterion_1.choices] == ["Tốt", "Được", "Kém"]
    late_world.build(app)
    with app.app_context():
        session = get_session()
        agency = session.scalar(select(Agency).where(Agency.code == "T.STP"))
        rating = service.submit_rating(
            session, custom, overall="satisfied", scores={n: 2 for n in range(1, 6)}, agency=agency
        )
        assert rating.complete and rating.criteria_set == "thu-2025"
    bad = tmp_path / "bad.toml"
    bad.write_text('[sets.x]\ntitle = "x"\n[[sets.x.criteria]]\ntext = "a"\nlevels = ["a", "b"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="three levels"):
        criteria_sets(bad)


def test_the_receipt_qr_code_is_an_svg(client):
    response = client.get("/ratings/qr.svg?case=C1")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data


@pytest.mark.parametrize("comment", ["\u200b\u200b\u200b", " \u200c\u200d\ufeff ", "\u0301\u0301", "\u2028\u00a0"])
def test_a_comment_of_nothing_visible_is_no_comment(app, client, comment):
    late_world.build(app)
    assert rate(client, **receipt(app, "C3"), overall="satisfied", comment=comment, **ALL_TWO).status_code == 303
    with app.app_context():
        rating = get_session().scalar(select(Rating))
        assert rating is not None and rating.comment is None


def test_a_short_visible_comment_is_kept(app, client):
    late_world.build(app)
    assert (
        rate(client, **receipt(app, "C3"), overall="satisfied", comment="\u200b👍\u200b", **ALL_TWO).status_code == 303
    )
    with app.app_context():
        assert get_session().scalar(select(Rating.comment)) == "\u200b👍\u200b"
