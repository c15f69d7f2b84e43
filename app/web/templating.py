"""Labels for the codes stored in the database, in the visitor's language, and list filters for templates."""
from itertools import groupby
from operator import attrgetter

from flask import Flask
from flask_babel import lazy_gettext as _l

UNITS = {"working_day": _l("ngày làm việc"), "day": _l("ngày"), "hour": _l("giờ"),
         "week": _l("tuần"), "month": _l("tháng"), "year": _l("năm")}
STATUSES = {"in_force": _l("Còn hiệu lực"), "amended": _l("Còn hiệu lực (đã sửa đổi, bổ sung)"),
            "abolished": _l("Đã bãi bỏ")}
ONLINE = {"full": _l("Trực tuyến toàn trình"), "online": _l("Có nộp trực tuyến"),
          "none": _l("Không nộp trực tuyến")}
LEVELS = {"bo": _l("Cấp bộ"), "tinh": _l("Cấp tỉnh"), "huyen": _l("Cấp huyện"), "xa": _l("Cấp xã"),
          "khac": _l("Cơ quan khác")}
ACTIONS = {"new": _l("Mới ban hành"), "amended": _l("Sửa đổi, bổ sung"), "abolished": _l("Bãi bỏ")}
ROLES = {"executing": _l("Cơ quan thực hiện"), "authority": _l("Cơ quan có thẩm quyền"),
         "authorized": _l("Cơ quan được ủy quyền"), "coordinating": _l("Cơ quan phối hợp")}
METHODS = {"Trực tiếp": _l("Trực tiếp"), "Trực tuyến": _l("Trực tuyến"),
           "Dịch vụ bưu chính": _l("Dịch vụ bưu chính")}
FEEDBACK_KINDS = {"phan_anh": _l("Phản ánh"), "kien_nghi": _l("Kiến nghị")}
FEEDBACK_STATUSES = {"received": _l("Đã tiếp nhận"), "in_progress": _l("Đang xử lý"),
                     "answered": _l("Đã trả lời"), "declined": _l("Không xử lý")}
OVERALL = {"very_satisfied": _l("Rất hài lòng"), "satisfied": _l("Hài lòng"), "unsatisfied": _l("Không hài lòng")}


def consecutive_groups(items, attribute: str):
    """Group items by an attribute, keeping their order (Jinja's groupby sorts them)."""
    return [(key, list(group)) for key, group in groupby(items, key=attrgetter(attribute))]


def procedure_snippet(procedure, words: set[str]) -> str | None:
    """The passage of a procedure's record that best shows why a search found it."""
    from app.search.highlight import snippet

    parts = [procedure.subjects, procedure.conditions]
    parts += [r.get("name") if isinstance(r, dict) else r for r in procedure.results or []]
    parts += [s for s in procedure.steps or [] if isinstance(s, str)]
    return snippet([p for p in parts if isinstance(p, str)], words) if words else None


def init_app(app: Flask) -> None:
    from app.search.highlight import highlight

    app.jinja_env.filters["consecutive_groups"] = consecutive_groups
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals["procedure_snippet"] = procedure_snippet
    app.jinja_env.globals["labels"] = {
        "units": UNITS, "statuses": STATUSES, "online": ONLINE, "levels": LEVELS,
        "actions": ACTIONS, "roles": ROLES, "methods": METHODS, "feedback_kinds": FEEDBACK_KINDS,
        "feedback_statuses": FEEDBACK_STATUSES, "overall": OVERALL,
    }
