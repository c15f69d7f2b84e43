"""The catalogue's code lists: levels, statuses, online service, channels, time units, decision
actions and agency roles, each with its label, and the recognisers of the sources' spellings."""

from __future__ import annotations

import re

from app.codes import N_, CodeList
from app.text import fold


class Level(CodeList):
    """Cấp thực hiện: who carries out a procedure (a procedure may have several)."""

    BO = "bo", N_("Cấp bộ")
    TINH = "tinh", N_("Cấp tỉnh")
    HUYEN = "huyen", N_("Cấp huyện")
    XA = "xa", N_("Cấp xã")
    KHAC = "khac", N_("Cơ quan khác")

    @classmethod
    def found_in(cls, text: str | None) -> list[Level]:
        """The levels a source's free text names ("Cấp tỉnh, Cấp xã"), in the list's order."""
        folded = fold(text)
        return [level for level in cls if _LEVEL_WORDS[level].search(folded)]


# "Cấp xã" as a phrase of its own: not the start of a longer word once diacritics are gone.
_LEVEL_WORDS = {level: re.compile(r"\b" + re.escape(fold(level.label)) + r"\b") for level in Level}


class ProcedureStatus(CodeList):
    """Tình trạng hiệu lực."""

    IN_FORCE = "in_force", N_("Còn hiệu lực")
    AMENDED = "amended", N_("Còn hiệu lực (đã sửa đổi, bổ sung)")
    ABOLISHED = "abolished", N_("Đã bãi bỏ")


class OnlineLevel(CodeList):
    """Online service: fully online (toàn trình, Nghị định 42/2022), can be filed online, or not."""

    FULL = "full", N_("Trực tuyến toàn trình")
    ONLINE = "online", N_("Có nộp trực tuyến")
    NONE = "none", N_("Không nộp trực tuyến")


class ChannelMethod(CodeList):
    """Cách thức thực hiện: how a file is handed in. A method no rule knows is `other`, and the
    channel keeps the source's wording (`method_text`)."""

    DIRECT = "direct", N_("Trực tiếp")
    ONLINE = "online", N_("Trực tuyến")
    POSTAL = "postal", N_("Dịch vụ bưu chính")
    OTHER = "other", N_("Khác")

    @classmethod
    def recognise(cls, text: str | None) -> ChannelMethod:
        """The method a source's wording names ("Nộp hồ sơ trực tiếp", "TRUC TUYEN", "Qua dịch vụ
        bưu chính công ích", the portal's DIRECT); the word met first wins; else OTHER."""
        folded = fold(text)
        found = [(folded.find(word), method) for word, method in _METHOD_WORDS if word in folded]
        return min(found, key=lambda hit: hit[0])[1] if found else cls.OTHER

    @classmethod
    def text_of(cls, code: str | None, wording: str | None = None) -> str:
        """A stored method in Vietnamese: the source's wording kept for an `other` one, else the label."""
        return wording or cls.get(code, cls.OTHER).label


_METHOD_WORDS = (
    ("truc tiep", ChannelMethod.DIRECT),
    ("direct", ChannelMethod.DIRECT),
    ("truc tuyen", ChannelMethod.ONLINE),
    ("online", ChannelMethod.ONLINE),
    ("buu chinh", ChannelMethod.POSTAL),
    ("buu dien", ChannelMethod.POSTAL),
    ("postal", ChannelMethod.POSTAL),
)


class TimeUnit(CodeList):
    """The unit of a channel's processing time (thời hạn giải quyết)."""

    WORKING_DAY = "working_day", N_("ngày làm việc")
    DAY = "day", N_("ngày")
    HOUR = "hour", N_("giờ")
    WEEK = "week", N_("tuần")
    MONTH = "month", N_("tháng")
    YEAR = "year", N_("năm")


class DecisionAction(CodeList):
    """What a publication decision does to a procedure it lists."""

    NEW = "new", N_("Mới ban hành")
    AMENDED = "amended", N_("Sửa đổi, bổ sung")
    ABOLISHED = "abolished", N_("Bãi bỏ")


class AgencyRole(CodeList):
    """The part an agency plays in a procedure."""

    EXECUTING = "executing", N_("Cơ quan thực hiện")
    AUTHORITY = "authority", N_("Cơ quan có thẩm quyền")
    AUTHORIZED = "authorized", N_("Cơ quan được ủy quyền")
    COORDINATING = "coordinating", N_("Cơ quan phối hợp")
