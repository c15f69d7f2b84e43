"""The code lists of the late tables: holiday overrides and the statuses of case files left out."""

from __future__ import annotations

from app.codes import N_, CodeList


class HolidayKind(CodeList):
    """An imported day that overrides the calendar (`import holidays`, column `kind`)."""

    OFF = "off", N_("Ngày nghỉ")
    WORK = "work", N_("Ngày làm bù")


class CaseStatus(CodeList):
    """A case file's status when it is not an ordinary one; such files are left out of every figure
    (an ordinary file has no status)."""

    WITHDRAWN = "withdrawn", N_("Đã rút")
    REJECTED = "rejected", N_("Bị từ chối")


class EventKind(CodeList):
    """What happened to a file between receipt and result (`import events`, column `event`)."""

    SUPPLEMENT_REQUESTED = "supplement_requested", N_("Yêu cầu bổ sung")
    SUPPLEMENT_RECEIVED = "supplement_received", N_("Đã bổ sung")
    RESCHEDULED = "rescheduled", N_("Hẹn lại")
    APOLOGY_SENT = "apology_sent", N_("Xin lỗi")
    EXPLAINED = "explained", N_("Giải trình")
