"""Alembic is the only way the schema changes: the migrations must match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from app.models import Base


def test_migrations_match_models(databases):
    engine = create_engine(databases.template_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_ratings_from_before_receipts_are_unverified_and_claim_no_file(tmp_path):
    """A case code alone used to verify a rating: anyone could type one. The migration to receipts
    keeps those ratings, unverified and claiming no file; an answer in force joins its history."""
    from sqlalchemy import text

    from app.db import upgrade

    url = f"sqlite:///{tmp_path}/old.sqlite3"
    upgrade(url, "0009")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO agencies (id, code, name, name_folded) VALUES (1, 'T.STP', 'Sở Tư pháp', 'so tu phap')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO cases (id, code, agency_id, received_at, due_has_time, apology_sent)"
                    " VALUES (1, 'C1', 1, '2023-05-02 08:00:00', 0, 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO ratings (id, created_at, month, agency_id, case_code, case_id, verified, overall,"
                    " criteria_set, scores, score_total, complete, comment, comment_hidden)"
                    " VALUES (1, '2023-05-03 09:00:00', '2023-05', 1, 'C1', 1, 1, 'unsatisfied', 'nd61-2018',"
                    " '{}', 0, 0, 'Tệ', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO feedback (id, tracking_code, kind, content, folded, publish_consent, status,"
                    " received_at, answer, answered_at, published)"
                    " VALUES (1, 'AAAA-BBBB-CCCC-DDDD', 'phan_anh', 'Hỏi', 'hoi', 0, 'answered',"
                    " '2023-05-02 08:00:00', 'Trả lời cũ', '2023-05-04 08:00:00', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO feedback_events (feedback_id, status, at) VALUES"
                    " (1, 'received', '2023-05-02 08:00:00'), (1, 'answered', '2023-05-04 08:00:00')"
                )
            )
        upgrade(url)
        with engine.connect() as connection:
            rating = connection.execute(
                text("SELECT verified, case_code, case_id, comment_approved FROM ratings")
            ).one()
            assert tuple(rating) == (0, None, None, 1), "unverified, no file claimed, its comment still shown"
            token = connection.execute(text("SELECT receipt_token FROM cases")).scalar()
            assert token and len(token) == 16
            notes = connection.execute(text("SELECT status, note FROM feedback_events ORDER BY id")).all()
            assert [tuple(n) for n in notes] == [("received", None), ("answered", "Trả lời cũ")]
            assert connection.execute(text("SELECT lang FROM feedback")).scalar() == "vi"
    finally:
        engine.dispose()
