"""Ratings through the HTTP interface: verified by case code, one per case, invalid levels refused,
the satisfaction figures computed exactly, officers named only from five ratings, criteria as data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import get_session
from app.feedback import service
from app.feedback.criteria import criteria_sets
from app.feedback.forms import rating_form
from app.models import Agency, Rating
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


def test_a_case_code_verifies_the_rating_and_names_agency_and_officer(app, client):
    late_world.build(app)
    page = soup(client.get("/ratings/new?case=C3"))
    assert "Hồ sơ C3" in page.select_one(".notice").text
    assert not page.select("select[name=agency_code]"), "the file names the agency"
    response = rate(client, case_code="C3", overall="satisfied", **ALL_TWO)
    assert response.status_code == 303 and "/ratings/thanks" in response.headers["Location"]
    with app.app_context():
        rating = get_session().scalar(select(Rating))
        assert rating.verified and rating.agency.code == "T.STP" and rating.officer.code == "O2"
        assert rating.procedure is None  # C3's procedure code 9.999999 is not in the catalogue
        assert rating.complete and rating.score_total == 18


def test_a_second_rating_for_one_case_is_refused_clearly(app, client):
    late_world.build(app)
    assert rate(client, case_code="C1", overall="very_satisfied").status_code == 303
    response = rate(client, case_code="C1", overall="unsatisfied", comment="Lần hai")
    assert response.status_code == 422
    page = soup(response)
    assert "Mỗi hồ sơ chỉ được đánh giá một lần" in page.select_one(".error-summary").text
    assert page.select_one("textarea[name=comment]").text == "Lần hai"
    assert "đã được đánh giá" in client.get("/ratings/new?case=C1").get_data(as_text=True)
    # An unverified code (no such file) is still one rating per code.
    assert rate(client, case_code="GIAY-HEN-77", agency_code="T.H1", overall="satisfied").status_code == 303
    assert rate(client, case_code="GIAY-HEN-77", agency_code="T.H1", overall="satisfied").status_code == 422
    with app.app_context():
        assert get_session().scalar(select(func.count(Rating.id))) == 2


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
    for overall, scores in plan:
        assert rate(client, agency_code="T.STP", officer_code="O2", overall=overall, **scores).status_code == 303
    rate(client, agency_code="T.H1", overall="unsatisfied")
    body = client.get("/api/v1/satisfaction").get_json()
    stp = next(item for item in body["items"] if item["agency_code"] == "T.STP")
    # 5 of 7 satisfied: 71.43% -> 71.4; complete ratings 18, 10 and 13 -> 41 / 3 = 13.67 -> 13.7
    assert (stp["ratings"], stp["satisfied_pct"], stp["average_score"]) == (7, 71.4, 13.7)
    assert (stp["very_satisfied"], stp["satisfied"], stp["unsatisfied"], stp["scored_all_criteria"]) == (3, 2, 2, 3)
    assert body["totals"]["ratings"] == 8 and body["totals"]["satisfied_pct"] == 62.5
    month = body["period"]["from"]
    assert body["period"] == {"from": month, "to": month}
    page = soup(client.get("/satisfaction"))
    row = next(tr for tr in page.select("tbody tr") if "Sở Tư pháp" in tr.th.text)
    assert [td.text for td in row.select("td")][:6] == ["7", "3", "2", "2", "71,4%", "13,7"]
    # O2 has seven ratings: named; an officer with four is not.
    assert "Trần Thị Bình" in page.select_one("#officers-title").find_parent("section").text
    for _ in range(4):
        rate(client, agency_code="T.STP", officer_code="O1", overall="satisfied")
    assert "Nguyễn Văn An" not in client.get("/satisfaction").get_data(as_text=True)
    rate(client, agency_code="T.STP", officer_code="O1", overall="satisfied")
    assert "Nguyễn Văn An" in client.get("/satisfaction").get_data(as_text=True)
    assert "Sở Tư pháp" in client.get("/agencies/T.STP").get_data(as_text=True)
    csv = client.get("/satisfaction.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffagency_code,") and "T.STP,Sở Tư pháp tỉnh Thử Nghiệm,12," in csv


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
    assert rate(client, case_code="C3", overall="satisfied", comment=comment, **ALL_TWO).status_code == 303
    with app.app_context():
        rating = get_session().scalar(select(Rating))
        assert rating is not None and rating.comment is None


def test_a_short_visible_comment_is_kept(app, client):
    late_world.build(app)
    assert rate(client, case_code="C3", overall="satisfied", comment="\u200b👍\u200b", **ALL_TWO).status_code == 303
    with app.app_context():
        assert get_session().scalar(select(Rating.comment)) == "\u200b👍\u200b"
