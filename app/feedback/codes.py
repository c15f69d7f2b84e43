"""The code lists of feedback and ratings: kinds, statuses and overall satisfaction, with labels."""

from __future__ import annotations

from app.codes import N_, CodeList


class FeedbackKind(CodeList):
    """Phản ánh or kiến nghị (the public form's `kind`)."""

    PHAN_ANH = "phan_anh", N_("Phản ánh")
    KIEN_NGHI = "kien_nghi", N_("Kiến nghị")


class FeedbackStatus(CodeList):
    """Where a feedback stands; the back office's `?status=` takes these codes."""

    RECEIVED = "received", N_("Đã tiếp nhận")
    IN_PROGRESS = "in_progress", N_("Đang xử lý")
    ANSWERED = "answered", N_("Đã trả lời")
    DECLINED = "declined", N_("Không xử lý")


# Still waiting for an answer: only these can be overdue.
OPEN = (FeedbackStatus.RECEIVED, FeedbackStatus.IN_PROGRESS)
# Closed: nothing more happens to them.
CLOSED = (FeedbackStatus.ANSWERED, FeedbackStatus.DECLINED)
# What the Office may mark by hand (answering has its own action).
MARKS = (FeedbackStatus.IN_PROGRESS, FeedbackStatus.DECLINED)


class Overall(CodeList):
    """A rating's overall satisfaction (the rating form's `overall`)."""

    VERY_SATISFIED = "very_satisfied", N_("Rất hài lòng")
    SATISFIED = "satisfied", N_("Hài lòng")
    UNSATISFIED = "unsatisfied", N_("Không hài lòng")


# The ratings `satisfied_pct` counts (SPEC §5).
SATISFIED = (Overall.VERY_SATISFIED, Overall.SATISFIED)
