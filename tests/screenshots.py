"""`make screenshots`: PNGs of every public page type at 1280 and 360 pixels, on the demo data,
written to screenshots/ (Debian's chromium through Playwright)."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.admin.accounts import create_account
from app.audit import Actor
from app.db import get_session, upgrade
from app.models import Case, LateFile, OfficerMonth

OUT = Path(__file__).resolve().parent.parent / "screenshots"
EDITOR, PASSWORD = "screens@tinh.gov.vn", "chup-man-hinh-demo"
PAGES = {
    "home": "/",
    "search": "/procedures?q=dang+ky+khai+sinh",
    "procedure": "/procedures/1.000894",
    "decisions": "/decisions",
    "agency": "/agencies/H34.STNMT",
    "late": "/late?month=2022-08",
    "late-officers": "/late/officers?month=2022-08",
    "late-months": "/late/months",
    "late-files": "/late/files?month=2022-08",
    "late-method": "/late/methodology",
    "satisfaction": "/satisfaction?from=2022-01&to=2022-08",
    "feedback": "/feedback",
    "feedback-new": "/feedback/new",
    "rating-new": "/ratings/new",
    "login": "/admin/login",
    "not-found": "/no-such-page",
    "english": "/en/late?month=2022-08",
}


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.sqlite3"
        upgrade(url)
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "screens",
                "DATABASE_URL": url,
                "DEMO": True,
                "SEARCH_INDEX_DIR": f"{tmp}/index",
            }
        )
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        if result.exit_code:
            print(result.output, file=sys.stderr)
            return 1
        with app.app_context():
            session = get_session()
            # The officer with the most late files in the last published month.
            code = session.scalar(
                select(OfficerMonth.officer_code)
                .where(OfficerMonth.month == "2022-08")
                .order_by(OfficerMonth.late_files.desc())
            )
            # A late file of that month, opened by its receipt, and the day its agency received it.
            late = session.scalar(select(Case).join(LateFile, LateFile.case_code == Case.code).limit(1))
            receipt = {"case": late.code, "t": late.receipt_token}
            batch = {"agency": late.agency.code, "day": late.received_at.date().isoformat()}
            create_account(session, Actor("screens"), EDITOR, PASSWORD, "editor")
            session.commit()
        pages = {
            **PAGES,
            "late-officer": f"/late/officers/{code}",
            "case-status": f"/cases/{quote(receipt['case'])}?t={receipt['t']}",
            "rating-verified": f"/ratings/new?{urlencode(receipt)}",
        }
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            for width in (1280, 360):
                page = browser.new_page(viewport={"width": width, "height": 900})
                for name, path in pages.items():
                    page.goto(site + path)
                    page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
                page.close()
            # The back office's receipts: a counter's daily batch on screen, and one as printed (A6).
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(site + "/admin/login")
            page.fill("#email", EDITOR)
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Đăng nhập')")
            page.goto(f"{site}/admin/receipts/print?{urlencode(batch)}")
            page.screenshot(path=str(OUT / "receipts-1280.png"), full_page=True)
            page.emulate_media(media="print")
            page.locator("article.receipt").first.screenshot(path=str(OUT / "receipt-print.png"))
            page.pdf(path=str(OUT / "receipts.pdf"), prefer_css_page_size=True)
            page.close()
            browser.close()
        server.shutdown()
    print(f"{len(pages) * 2 + 2} screenshots and receipts.pdf in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
