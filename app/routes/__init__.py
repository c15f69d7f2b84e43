"""Blueprints, one per area."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from app.routes import (
        admin,
        agencies,
        api,
        cases,
        data,
        decisions,
        embed,
        errors,
        feedback,
        feeds,
        late,
        main,
        procedures,
        ratings,
        subscriptions,
    )

    for module in (
        main,
        procedures,
        decisions,
        agencies,
        late,
        cases,
        feedback,
        ratings,
        subscriptions,
        feeds,
        data,
        embed,
        api,
        admin,
    ):
        app.register_blueprint(module.bp)
    errors.init_app(app)
