"""Công khai TTHC: the application factory."""

from __future__ import annotations

import secrets

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from app import db
from app.config import Config
from app.search import service as search_service
from app.web import i18n

csrf = CSRFProtect()
htmx = Htmx()


def create_app(config: dict | None = None) -> Flask:
    """Create the app; `config` overrides the environment (tests inject theirs here)."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(Config().as_dict())
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        if not (app.debug or app.testing):
            raise RuntimeError("SECRET_KEY must be set (it may be omitted only in debug and tests)")
        # Debug and tests only: sessions last as long as the process.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    if (app.debug or app.testing) and "SESSION_COOKIE_SECURE" not in (config or {}):
        app.config["SESSION_COOKIE_SECURE"] = False
    db.init_app(app)
    app.extensions["search"] = search_service.from_config(app.config, app.extensions["sessionmaker"])
    i18n.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)

    from app import cli, outbox
    from app.routes import register_blueprints
    from app.web import caching, page_cache, security, templating

    security.init_app(app)
    caching.init_app(app)
    page_cache.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    outbox.init_app(app)
    return app
