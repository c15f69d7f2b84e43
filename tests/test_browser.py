"""In real Chromium (Debian's, driven by Playwright): live search, filters, months, a feedback, a
rating, a login and a publish, under the site's strict CSP; then axe-core on every public page type
at 1280 and 360 pixels, and no page wider than a 360-pixel phone."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.admin.accounts import create_account
from app.audit import Actor
from app.db import get_session
from app.feedback import service
from app.models import Case
from tests import late_world
from tests.conftest import PASSWORD, make_app

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The receipt tokens of the site's files, by case code (what each file's printed receipt carries).
TOKENS: dict[str, str] = {}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _require_browser():
    missing = [what for what, ok in (("chromium", CHROMIUM), ("axe-core (make install)", AXE.exists())) if not ok]
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the browser tests lack: {', '.join(missing)}")
        pytest.skip(f"missing: {', '.join(missing)}")


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory):
    """The small province with April 2023 published, served over HTTP on a free port."""
    _require_browser()
    app = make_app(databases, tmp_path_factory.mktemp("browser"), RATELIMIT_ENABLED=False)
    late_world.build(app, "2023-04")
    with app.app_context():
        session = get_session()
        create_account(session, Actor("test"), "editor@tinh.gov.vn", PASSWORD, "editor")
        for n, question in enumerate(("Hồ sơ khai sinh trả chậm.", "Thủ tục đăng ký kết hôn cần gì?")):
            item = service.submit_feedback(session, kind="phan_anh", content=question, publish_consent=True)
            service.answer_feedback(session, Actor("test"), item, f"Câu trả lời số {n}.", publish=True)
        session.commit()
        TOKENS.update(session.execute(select(Case.code, Case.receipt_token)).tuples().all())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.violations = []
    # Anything the CSP refuses (an inline script or style htmx might need) fails the test.
    page.on("console", lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    assert page.violations == []
    context.close()


def test_live_search_as_one_types_and_filters(site, page):
    page.goto(f"{site}/procedures")
    page.locator("#q").press_sequentially("dang ky khai sinh", delay=40)
    page.wait_for_url(lambda url: "q=dang%20ky%20khai%20sinh" in url or "q=dang+ky+khai+sinh" in url)
    first = page.locator("#results .result h2, #results .result h3").first
    assert "khai sinh" in first.inner_text().lower()
    with page.expect_request(lambda r: "level=" in r.url and r.headers.get("hx-request") == "true"):
        page.select_option("#level", "tinh")
    page.wait_for_url("**level=tinh**")
    assert page.locator("h1").inner_text() == "Thủ tục hành chính", "only the results were swapped"


def _filters(page) -> dict:
    """Each filter's options in the live page: value, label with its count, selected or not."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#facets select')].map(s =>
        [s.id, [...s.options].map(o => [o.value, o.textContent.trim(), o.hasAttribute('selected')])]))""")


def test_live_search_updates_the_counts_while_one_keeps_typing(site, page, browser):
    page.goto(f"{site}/procedures")
    everything = _filters(page)
    answers = []
    page.on("response", lambda r: answers.append(r.url) if r.request.headers.get("hx-request") == "true" else None)
    box = page.locator("#q")
    # Pauses a little longer than the form's 400 ms delay: each letter is typed just after the
    # answer to the letters before it was swapped in.
    box.press_sequentially("khai sinh", delay=450)
    page.wait_for_url(lambda url: "q=khai+sinh" in url or "q=khai%20sinh" in url)
    page.wait_for_timeout(300)  # let the last swap settle
    assert len(answers) >= 4, answers
    assert box.input_value() == "khai sinh", "no letter lost to a swap"
    assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart]") == ["q", 9]
    shown = _filters(page)
    assert shown != everything, "the counts follow the question"
    # The same counts as a person loading the pushed URL without JavaScript.
    plain = browser.new_context(java_script_enabled=False).new_page()
    plain.goto(page.url)
    assert _filters(plain) == shown
    plain.context.close()
    page.select_option("#level", "xa")
    page.wait_for_url("**level=xa**")
    page.wait_for_function("document.querySelector('#level option[selected]')?.value === 'xa'")
    assert box.input_value() == "khai sinh" and page.locator("#level").input_value() == "xa"


def test_switching_months_in_the_late_tables(site, page):
    page.goto(f"{site}/late?month=2023-04")
    heading = page.locator("#table-title")
    assert "04/2023" in heading.inner_text()
    page.select_option("#sort", "name")
    page.wait_for_url("**sort=name**")
    assert page.locator("#late-view table").count() == 1


def test_a_feedback_from_form_to_tracking_page(site, page):
    page.goto(f"{site}/feedback/new")
    page.locator("#procedure_q").press_sequentially("dang ky", delay=30)
    page.locator("#procedure-choices input[name=procedure_code]").first.check()
    page.check("input[name=kind][value=kien_nghi]")
    page.fill("#content", "Đề nghị cho nộp bản sao điện tử.")
    page.fill("#email", "nguoi.gui@example.vn")
    page.click(".actions button:has-text('Gửi phản ánh, kiến nghị')")
    page.wait_for_url("**/feedback/*-*-*-*")
    assert "Đã tiếp nhận" in page.locator(".facts").inner_text()
    assert "nguoi.gui@example.vn" not in page.content()


@pytest.mark.parametrize("javascript", [True, False])
def test_enter_in_a_text_field_sends_the_feedback(site, browser, javascript):
    """Enter in any text field sends the form: it used to press the procedure search's button."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{site}/feedback/new")
    page.fill("#content", "Gõ xong bấm Enter ở ô thư điện tử.")
    page.fill("#email", "enter@example.vn")
    page.locator("#email").press("Enter")
    page.wait_for_url("**/feedback/*-*-*-*")
    assert "Gõ xong bấm Enter" in page.locator("main").inner_text()
    # Enter in the procedure search box before anything is written finds procedures, refusing nothing.
    page.goto(f"{site}/feedback/new")
    page.locator("#procedure_q").fill("dang ky")
    page.locator("#procedure_q").press("Enter")
    page.wait_for_selector("#procedure-choices input[name=procedure_code]")
    assert page.locator(".error-summary").count() == 0
    context.close()


def test_the_published_answers_are_searched_in_place(site, page):
    page.goto(f"{site}/feedback")
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.request.headers.get("hx-request") == "true" else None)
    page.locator("#q").press_sequentially("ket hon", delay=50)
    page.wait_for_url(lambda url: "q=ket+hon" in url or "q=ket%20hon" in url)
    page.wait_for_function("document.querySelectorAll('#results .result').length === 1")
    assert statuses and set(statuses) == {200}, statuses
    assert "kết hôn" in page.locator("#results").inner_text()


def test_a_rating(site, page):
    page.goto(f"{site}/ratings/new?case=C1&t={TOKENS['C1']}")
    assert "Hồ sơ C1" in page.locator(".notice").first.inner_text()
    page.check("input[name=overall][value=satisfied]")
    page.check("input[name=criterion_7][value='2']")
    page.click("button:has-text('Gửi đánh giá')")
    page.wait_for_url("**/ratings/thanks**")
    assert page.locator("h1").inner_text() == "Cảm ơn bạn đã đánh giá"


def test_a_login_and_a_publish(site, page):
    page.goto(f"{site}/admin/months/2023-05")
    page.wait_for_url("**/admin/login**")
    page.fill("#email", "editor@tinh.gov.vn")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url("**/admin/months/2023-05")
    page.check("#confirm")
    page.click("button:has-text('Công bố tháng này')")
    assert "Đã công bố tháng 2023-05" in page.locator(".flashes").inner_text()
    page.goto(f"{site}/late?month=2023-05")
    assert "05/2023" in page.locator("#table-title").inner_text()


def test_the_embed_code_is_copied_where_javascript_runs(site, page):
    page.goto(f"{site}/late?month=2023-04")
    code = page.locator("#embed-trend")
    page.locator("details.embed-code:has(#embed-trend) summary").click()
    assert "<iframe" in code.input_value() and "/embed/late/trend" in code.input_value()
    button = page.locator("button[data-copy='embed-trend']")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('#embed-trend ~ .copy-status').textContent.length > 0")
    # A piece htmx swaps in (another month) has its copy button wired too.
    page.click("nav.months a:has-text('04/2023')")
    page.wait_for_load_state("networkidle")
    page.locator("details.embed-code:has(#embed-table) summary").click()
    assert page.locator("button[data-copy='embed-table']").is_visible()


PAGE_TYPES = [
    "/",
    "/procedures?q=dang+ky",
    "/procedures/1.010093",
    "/decisions",
    "/agencies/T.STP",
    "/late?month=2023-04",
    "/late?month=2023-04&compare=previous",
    "/late/officers?month=2023-04",
    "/late/months",
    "/embed/late/trend?agency=T.STP",
    "/embed/late/share?month=2023-04",
    "/embed/late/agencies?month=2023-04",
    "/subscriptions/new?agency=T.STP",
    "/satisfaction",
    "/feedback",
    "/feedback/new",
    "/ratings/new",
    "/ratings/new?case=C3&t={C3}",
    "/cases/C3?t={C3}",
    "/cases/C3",
    "/admin/login",
    "/about",
    "/privacy",
    "/accessibility",
    "/no-such-page",
    "/en/procedures",
]


@pytest.mark.parametrize("width", [1280, 360])
def test_no_serious_accessibility_violation_and_nothing_wider_than_the_screen(site, browser, width):
    # axe is injected by the test, so this context alone may bypass the CSP.
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    problems = []
    for path in PAGE_TYPES:
        page.goto(site + path.format(**TOKENS))
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                                                         values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                   .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
        }""")
        problems += [f"{path} @{width}: {v}" for v in result]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{path} @{width}: {overflow}px wider than the screen")
    context.close()
    assert problems == []


@pytest.mark.parametrize("width", [360, 1280])
def test_a_procedures_summary_is_on_the_first_screen_and_prints(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/procedures/2.001610")
    glance = page.locator("section.at-a-glance")
    assert glance.is_visible()
    box = glance.bounding_box()
    assert box["y"] < 800, "the summary starts on the first screen"
    assert "ngày làm việc" in glance.inner_text()
    link = page.locator(".online-links a").first
    assert link.is_visible() and link.bounding_box()["y"] < 800, "the online link is on the first screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    button = page.locator("button[data-print]")
    assert button.is_visible(), "print.js shows the print button"
    page.emulate_media(media="print")
    assert page.locator("p.printed").is_visible() and not button.is_visible()
    assert "/procedures/2.001610" in page.locator("p.printed").inner_text()
    context.close()
