"""No input, however odd, produces a 500: both forms and the public query parameters, by Hypothesis."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import late_world
from tests.conftest import make_app

# Text of every kind: control characters, NUL, surrogate-free Unicode, very long runs, markup.
odd = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s * 300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "%",
            "'; DROP TABLE feedback; --",
            "<script>alert(1)</script>",
            "2022-13",
            "-1",
            "0",
            "99999999999999999999",
            "1e9",
            "..",
            "../../etc/passwd",
            "Đăng ký khai sinh",
            "H34.STNMT",
            "C1",
            "very_satisfied",
            "2",
        ]
    ),
)
FEEDBACK_FIELDS = (
    "kind",
    "procedure_code",
    "agency_code",
    "content",
    "name",
    "email",
    "phone",
    "publish_consent",
    "website",
    "procedure_q",
    "action",
)
RATING_FIELDS = (
    "agency_code",
    "procedure_code",
    "officer_code",
    "case_code",
    "overall",
    "comment",
    *(f"criterion_{n}" for n in range(1, 11)),
    "website",
)
PAGES = (
    "/procedures",
    "/late",
    "/late/officers",
    "/late/agencies.csv",
    "/satisfaction",
    "/satisfaction.csv",
    "/feedback",
    "/feedback/new",
    "/ratings/new",
    "/feedback/procedure-choices",
    "/feedback/lookup",
    "/api/v1/procedures",
    "/api/v1/late/agencies",
    "/api/v1/late/officers",
    "/api/v1/satisfaction",
    "/decisions",
    "/",
)
PARAMETERS = (
    "q",
    "page",
    "per_page",
    "agency",
    "field",
    "level",
    "online",
    "postal",
    "month",
    "from",
    "to",
    "sort",
    "dir",
    "parent",
    "procedure",
    "case",
    "officer",
    "code",
    "procedure_q",
    "lang",
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def fuzz_client(databases, tmp_path_factory):
    app = make_app(databases, tmp_path_factory.mktemp("fuzz"), WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    late_world.build(app, "2023-04", "2023-05")
    return app.test_client()


def _ok(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]


@FUZZ
@given(st.dictionaries(st.sampled_from(FEEDBACK_FIELDS), odd, max_size=len(FEEDBACK_FIELDS)))
def test_the_feedback_form_never_fails(fuzz_client, fields):
    _ok(fuzz_client.post("/feedback/new", data=fields))


@FUZZ
@given(st.dictionaries(st.sampled_from(RATING_FIELDS), odd, max_size=len(RATING_FIELDS)))
def test_the_rating_form_never_fails(fuzz_client, fields):
    _ok(fuzz_client.post("/ratings/new", data=fields))


@FUZZ
@given(st.sampled_from(PAGES), st.dictionaries(st.sampled_from(PARAMETERS), odd, max_size=4))
def test_public_query_parameters_never_fail(fuzz_client, path, params):
    _ok(fuzz_client.get(path + "?" + urllib.parse.urlencode(params)))


@FUZZ
@given(st.sampled_from(["/feedback/", "/procedures/", "/agencies/", "/api/v1/procedures/", "/decisions/"]), odd)
def test_path_segments_never_fail(fuzz_client, prefix, segment):
    _ok(fuzz_client.get(prefix + urllib.parse.quote(segment, safe="")))
