"""Configuration, read from the environment once when the app is created."""

from __future__ import annotations

import os
from pathlib import Path

from app.clock import ZONE_NAME

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class Config:
    """Settings with the embedded defaults: SQLite and the search index under instance/."""

    def __init__(self) -> None:
        self.DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'tthc.sqlite3'}")
        self.SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE / "search-index"))
        # "whoosh" (the index under SEARCH_INDEX_DIR) or "null" (no index: plain matching, for tests).
        self.SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
        # The suffix of this province's local procedure codes (".H34"): among a national procedure's
        # local variants, the search shows this province's.
        self.SEARCH_OWN_VARIANT = os.environ.get("SEARCH_OWN_VARIANT", "")
        # Milliseconds one search may spend correcting typos; past it the words left are searched as
        # typed, so no input costs more than scoring plus this (0: no bound).
        self.SEARCH_BUDGET_MS = float(os.environ.get("SEARCH_BUDGET_MS", "40"))
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.DEBUG = os.environ.get("FLASK_DEBUG", "") in ("1", "true")
        self.DEMO = os.environ.get("TTHC_DEMO", "0") == "1"
        self.BABEL_DEFAULT_LOCALE = "vi"
        self.BABEL_DEFAULT_TIMEZONE = ZONE_NAME
        self.LANGUAGES = ("vi", "en")
        self.PER_PAGE = 20
        self.MAX_CONTENT_LENGTH = 20 * 1024 * 1024
        # Public pages may be cached this many seconds, then revalidated by ETag.
        self.SEND_FILE_MAX_AGE_DEFAULT = 86400  # static files: a day, then revalidated by ETag
        self.PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "60"))
        # Each process keeps rendered public pages while the tables they read are unchanged, for at
        # most this many seconds (0 turns the page cache off), in at most this many megabytes.
        self.PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", "60"))
        self.PAGE_CACHE_MB = float(os.environ.get("PAGE_CACHE_MB", "32"))
        # Pages rendered by one worker are also kept here for the other workers of this node
        # (diskcache, at most PAGE_CACHE_DISK_MB); empty keeps them in memory only.
        self.PAGE_CACHE_DIR = os.environ.get("PAGE_CACHE_DIR", str(INSTANCE / "page-cache"))
        self.PAGE_CACHE_DISK_MB = float(os.environ.get("PAGE_CACHE_DISK_MB", "256"))
        # How many proxies (load balancers) stand in front: their X-Forwarded-* headers are trusted.
        self.TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
        # Rate limits (Flask-Limiter); one process keeps them in memory, several share a store.
        # Set on every app: Flask-Limiter's extension object is shared by the apps of one process.
        self.RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        # While a shared store is down (Redis restarting), each process counts in memory meanwhile.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "5 per minute; 30 per day")
        self.RATING_RATE_LIMIT = os.environ.get("RATING_RATE_LIMIT", "10 per minute; 100 per day")
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour")
        # Looking files up by receipt (`/cases/...`): a person checks a few files, a guesser many.
        self.SUBSCRIBE_RATE_LIMIT = os.environ.get("SUBSCRIBE_RATE_LIMIT", "5 per minute; 20 per day")
        self.CASE_LOOKUP_RATE_LIMIT = os.environ.get("CASE_LOOKUP_RATE_LIMIT", "30 per minute; 1000 per day")
        # Login attempts at one account from one client, and at one account from anywhere.
        self.LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 15 minutes")
        self.LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "50 per hour")
        # Working days an agency has to answer a feedback (the national index counts answers on time)
        # (15, as the national portal counts), from the day it was sent as SPEC §3 counts a due date.
        self.FEEDBACK_ANSWER_DAYS = int(os.environ.get("FEEDBACK_ANSWER_DAYS", "15"))
        # Subscriptions to the monthly publication: an address never confirmed is deleted after so
        # many days; a waiting one is sent its confirm mail again at most once in so many minutes.
        self.SUBSCRIPTION_CONFIRM_DAYS = int(os.environ.get("SUBSCRIPTION_CONFIRM_DAYS", "7"))
        self.SUBSCRIPTION_RESEND_MINUTES = int(os.environ.get("SUBSCRIPTION_RESEND_MINUTES", "60"))
        # Mail to citizens (SPEC §6) goes through this SMTP server; with no MAIL_SERVER it is
        # written to the log. It waits in the outbox and is sent outside the request: every
        # OUTBOX_INTERVAL seconds by a thread of the process when OUTBOX_IN_PROCESS=1 (make run),
        # by `flask outbox work` in production, or once by `flask outbox send`.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
        self.MAIL_USE_SSL = False
        self.MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost")
        self.OUTBOX_INTERVAL = float(os.environ.get("OUTBOX_INTERVAL", "60"))
        # A mail the server did not take is tried again after this many seconds (at most a minute).
        self.OUTBOX_RETRY_SECONDS = float(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))
        self.OUTBOX_IN_PROCESS = os.environ.get("OUTBOX_IN_PROCESS", "0") == "1"
        # Seconds a request waits for SQLite's write lock while an import writes (app/db.py); a
        # post still refused then is answered 503 with the citizen's text kept in the form.
        self.SQLITE_BUSY_SECONDS = float(os.environ.get("SQLITE_BUSY_SECONDS", "25"))
        # What an import file may hold before it is refused (app/imports/readers.py reads these
        # from the environment when an import runs). The national corpus is far below each: its
        # largest file expands to 21 MB, its longest text is 52,000 characters, its deepest record
        # 9 levels; the demo's steps are 420,801 rows of 9 columns.
        # Bytes after decompressing a .gz (and of any file), in megabytes.
        self.IMPORT_MAX_MB = float(os.environ.get("IMPORT_MAX_MB", "256"))
        # Rows (CSV and XLSX lines, JSON records), fields per row, and cells in all.
        self.IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "2000000"))
        self.IMPORT_MAX_FIELDS = int(os.environ.get("IMPORT_MAX_FIELDS", "500"))
        self.IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "20000000"))
        # Characters in one cell (or one JSON text), and levels of nesting of a JSON record.
        self.IMPORT_MAX_FIELD_CHARS = int(os.environ.get("IMPORT_MAX_FIELD_CHARS", "1000000"))
        self.IMPORT_MAX_JSON_DEPTH = int(os.environ.get("IMPORT_MAX_JSON_DEPTH", "64"))
        # The back office's imports run as background jobs (app/jobs.py): on RQ over this Redis when
        # set (the production stack, whose `flask jobs work` runs the RQ worker), else in a thread of
        # the web process; JOBS_RUNNER=inline runs them inside the request (tests). A running job
        # that has not said it is alive for JOB_STALE_SECONDS is shown as stopped and may be run again
        # (on SQLite an import's write holds the lock its heartbeat needs: keep this well above the
        # longest write); RQ stops a job after JOB_TIMEOUT_SECONDS.
        self.JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "")
        self.JOBS_RUNNER = os.environ.get("JOBS_RUNNER", "")
        self.JOB_STALE_SECONDS = float(os.environ.get("JOB_STALE_SECONDS", "300"))
        self.JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", "1800"))
        # Files uploaded in the back office wait here until confirmed.
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
        # Session cookies (the back office's login, the forms' CSRF token): HttpOnly, SameSite, and
        # Secure unless SESSION_COOKIE_SECURE=0 (plain-HTTP local serving) or in debug and tests.
        self.SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.PERMANENT_SESSION_LIFETIME = 8 * 3600
        # The satisfaction criteria in force: a set of app/feedback/criteria.toml (or of the file
        # RATING_CRITERIA_FILE names, in the same format).
        self.RATING_CRITERIA = os.environ.get("RATING_CRITERIA", "nd61-2018")
        self.RATING_CRITERIA_FILE = os.environ.get("RATING_CRITERIA_FILE", "")
        # An officer is named, and an agency's shares shown, only from this many verified ratings in
        # a period (below it, the count alone).
        self.SATISFACTION_MIN_RATINGS = int(os.environ.get("SATISFACTION_MIN_RATINGS", "5"))
        # Whose site it is (SPEC §2 /about): the province, the Office that runs it, how to reach it.
        # The demo is Kon Tum's (seed-demo): it says so.
        self.SITE_OWNER = os.environ.get(
            "SITE_OWNER", "Ủy ban nhân dân tỉnh Kon Tum" if self.DEMO else "Ủy ban nhân dân tỉnh"
        )
        self.SITE_OFFICE = os.environ.get("SITE_OFFICE", "Văn phòng Ủy ban nhân dân tỉnh")
        self.SITE_ADDRESS = os.environ.get("SITE_ADDRESS", "")
        self.SITE_PHONE = os.environ.get("SITE_PHONE", "")
        self.SITE_EMAIL = os.environ.get("SITE_EMAIL", "")
        # The licence of the open data (/data/): CC BY 4.0, or the province's open-data licence.
        self.DATA_LICENSE = os.environ.get("DATA_LICENSE", "CC-BY-4.0")
        self.DATA_LICENSE_URL = os.environ.get("DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/")
        self.DATA_LICENSE_TITLE = os.environ.get("DATA_LICENSE_TITLE", "Creative Commons Attribution 4.0")
        # The public address of the site, for links written outside a request (receipts, mail).
        # Printed receipts use the address they were printed from when it is empty; mail and the
        # command line use http://127.0.0.1:5000 (the address of make run).
        self.SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
        # The province's own public-service portal, an address with {code} for one procedure
        # ("https://dichvucong.example.gov.vn/thu-tuc?ma={code}"); none when empty.
        self.PROVINCE_PORTAL_URL = os.environ.get("PROVINCE_PORTAL_URL", "")
        # Who may frame the /embed/ pages (a CSP frame-ancestors source list): any site by default, or
        # e.g. "https://baokontum.com.vn https://*.gov.vn". Every other page may never be framed.
        self.EMBED_FRAME_ANCESTORS = (
            " ".join(
                source
                for source in os.environ.get("EMBED_FRAME_ANCESTORS", "*").split()
                if ";" not in source and "," not in source
            )
            or "'none'"
        )

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
