"""The app's search service for the views, and what to do when its index is gone."""

from __future__ import annotations

from flask import current_app

from app.search.service import NullSearch, SearchService
from app.web import page_cache
from app.web.i18n import get_locale


def search_service() -> SearchService | NullSearch:
    """The search service of this app (its index, or none)."""
    return current_app.extensions["search"]


def search_options() -> dict:
    """Keyword arguments for `listing.browse`: the index, and a rebuild started when it is missing."""
    service = search_service()

    def unavailable() -> None:
        page_cache.skip()  # answered by plain matching: not worth keeping
        service.rebuild_in_background()

    return {"index": service, "on_unavailable": unavailable, "language": str(get_locale())}
