"""Error pages and JSON errors, in the visitor's language; never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.late.tables import MonthNotPublished
from app.params import BadParameter
from app.web.i18n import month_label


def bad_parameter_message(error: BadParameter) -> str:
    """Explain a bad parameter in the visitor's language."""
    message = _("Tham số «%(name)s» có giá trị không hợp lệ: «%(value)s».", name=error.name, value=error.value)
    if error.allowed:
        message += " " + _("Giá trị được chấp nhận: %(allowed)s.", allowed=error.allowed)
    return message


def unavailable(error: OperationalError) -> bool:
    """A database that is down, restarting or locked, as opposed to a defect (a missing table,
    bad SQL) that SQLite also reports as an OperationalError."""
    text = str(error.orig).lower()
    return error.connection_invalidated or any(
        sign in text for sign in ("connection", "server", "shutting down", "starting up", "locked", "busy", "timeout")
    )


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    @app.errorhandler(BadParameter)
    def _bad_parameter(error: BadParameter):
        message = bad_parameter_message(error)
        if _wants_json():
            return jsonify(error="bad_parameter", parameter=error.name, message=message), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(MonthNotPublished)
    def _not_published(error: MonthNotPublished):
        if error.months:
            message = _(
                "Số liệu tháng %(months)s chưa được công bố.", months=", ".join(month_label(m) for m in error.months)
            )
        else:
            message = _("Chưa có tháng nào được công bố.")
        if _wants_json():
            return jsonify(error="not_published", months=error.months, message=message), 404
        return render_template("errors/error.html", code=404, message=message), 404

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        messages = {
            400: _("Yêu cầu không hợp lệ."),
            404: _("Không tìm thấy trang bạn cần."),
            405: _("Phương thức không được phép."),
            413: _("Tệp gửi lên quá lớn."),
            429: _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."),
        }
        message = messages.get(error.code or 500, error.name)
        if _wants_json():
            return jsonify(error=error.name, message=message), error.code
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError):
        if not unavailable(error):
            return _unexpected(error)
        # The database is restarting, unreachable or locked past the wait: a passing state, not a
        # defect; one line in the log, and the visitor is asked to come back.
        app.logger.warning("database unavailable: %s", str(error.orig).splitlines()[0] if error.orig else error)
        message = _("Hệ thống tạm thời không truy cập được dữ liệu. Vui lòng thử lại sau ít phút.")
        headers = {"Retry-After": "30"}
        if _wants_json():
            return jsonify(error="unavailable", message=message), 503, headers
        try:
            page = render_template("errors/error.html", code=503, message=message)
        except OperationalError:  # the page's own lookups (the signed-in account) need the database too
            page = message
        return page, 503, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        message = _("Đã có lỗi xảy ra. Chúng tôi đã ghi nhận và sẽ khắc phục.")
        if _wants_json():
            return jsonify(error="internal_error", message=message), 500
        return render_template("errors/error.html", code=500, message=message), 500
