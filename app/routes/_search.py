"""Where the search index lives for this app, and what to do when it is gone."""
from __future__ import annotations

from flask import current_app

from app import page_cache, search


def search_options() -> dict:
    """Keyword arguments for `catalogue.browse`: the index, and a rebuild started when it is missing."""
    directory = current_app.config["SEARCH_INDEX_DIR"]
    factory = current_app.extensions["sessionmaker"]

    def unavailable() -> None:
        page_cache.skip()   # answered by plain matching: not worth keeping
        search.rebuild_in_background(factory, directory)

    return {"index_dir": directory, "on_unavailable": unavailable}
