"""Apps are freed when dropped: every test (and every worker restart) makes one, and PostgreSQL
refuses new connections once the pools of apps that linger fill its connection limit."""

import gc
import weakref

from sqlalchemy import text

from app.db import get_session
from app.search.service import catalogue_changed
from tests.conftest import make_app


def test_an_app_that_wrote_to_the_catalogue_is_freed_with_its_engine(databases, tmp_path):
    app = make_app(databases, tmp_path)
    with app.app_context():
        session = get_session()
        session.execute(text("SELECT 1"))
        catalogue_changed(session)
        session.commit()  # the search service follows the commit with a session of its own
    assert app.test_client().get("/").status_code == 200
    engine = weakref.ref(app.extensions["engine"])
    del app, session
    gc.collect()
    assert engine() is None, "something still holds the app's engine and its pooled connections"
