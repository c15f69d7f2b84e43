"""Writing feedback and ratings, and answering feedback: plain functions over a Session."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.audit import Actor
from app.clock import local_now
from app.feedback.codes import CLOSED, MARKS, FeedbackKind, FeedbackStatus, Overall
from app.feedback.criteria import CriteriaSet
from app.late.status import case_by_receipt
from app.models import Account, Agency, Case, Feedback, FeedbackEvent, Officer, OutboxMail, Procedure, Rating, Step
from app.text import by_name, fold, says_something

# Crockford's base32 without I, L, O, U: read aloud or copied from paper without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, GROUP_SIZE = 4, 4  # 16 symbols: 80 random bits


class FeedbackError(ValueError):
    """A change the feedback's state does not allow."""


class DuplicateRating(ValueError):
    """The case code has been rated already."""


def new_tracking_code() -> str:
    """An unguessable tracking code such as 7K3M-Q9XD-2H4T-8RWC."""
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_GROUPS * GROUP_SIZE))
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def normalise_code(text: str) -> str:
    """A tracking code as typed (lower case, spaces, O for 0) in its stored form."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.translate(str.maketrans("OIL", "011"))
    if len(raw) != CODE_GROUPS * GROUP_SIZE or any(ch not in _ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, len(raw), GROUP_SIZE))


def submit_feedback(
    session: Session,
    *,
    kind: str,
    content: str,
    procedure: Procedure | None = None,
    agency: Agency | None = None,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    publish_consent: bool = False,
    client: str | None = None,
    lang: str = "vi",
    now: dt.datetime | None = None,
) -> Feedback:
    """Add a feedback with a tracking code no other feedback has, and return it (not committed).
    `lang` is the language the citizen wrote in: mail to them is in it."""
    if not FeedbackKind.has(kind):
        raise ValueError(kind)
    now = now or local_now()
    code = new_tracking_code()
    while session.scalar(select(Feedback.id).where(Feedback.tracking_code == code)) is not None:
        code = new_tracking_code()  # 1 in 2^80, but never refuse a feedback for it
    feedback = Feedback(
        tracking_code=code,
        kind=kind,
        content=content.strip(),
        procedure=procedure,
        agency=agency or _agency_of(session, procedure),
        contact_name=name or None,
        contact_email=email or None,
        contact_phone=phone or None,
        publish_consent=publish_consent,
        status=FeedbackStatus.RECEIVED,
        received_at=now,
        published=False,
        client_hash=client,
        folded=fold(content),
        lang=lang if lang in ("vi", "en") else "vi",
    )
    feedback.events.append(FeedbackEvent(status=FeedbackStatus.RECEIVED, at=now))
    session.add(feedback)
    session.flush()
    return feedback


def _agency_of(session: Session, procedure: Procedure | None) -> Agency | None:
    """The only agency that carries out `procedure`, when there is exactly one."""
    if procedure is None or len(procedure.agency_links) != 1:
        return None
    return procedure.agency_links[0].agency


def selectable_agencies(session: Session) -> list[Agency]:
    """Agencies a citizen can pick: those in force, or all of them when none is (a past tree, as the demo's)."""
    current = by_name(session.scalars(select(Agency).where(Agency.valid_to.is_(None))))
    return current or by_name(session.scalars(select(Agency)))


def find_feedback(session: Session, code: str) -> Feedback | None:
    code = normalise_code(code)
    return session.scalar(select(Feedback).where(Feedback.tracking_code == code)) if code else None


def feedback_state(feedback: Feedback) -> dict:
    """What the audit log records of a feedback before and after an action."""
    return {
        "status": feedback.status,
        "agency": feedback.agency.code if feedback.agency else None,
        "published": feedback.published,
    }


def log_action(
    session: Session, actor: Actor | Account, action: str, feedback: Feedback, summary: str | None, before: dict
) -> None:
    """Record one action on `feedback` with its state before and after, in the action's transaction."""
    audit.record(session, actor, action, "feedback", feedback.tracking_code, summary, before, feedback_state(feedback))


def set_status(
    session: Session,
    actor: Actor | Account,
    feedback: Feedback,
    status: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Move a feedback to `status` (in progress or declined), recording when and by whom (not committed)."""
    if status not in MARKS:
        raise FeedbackError(f"trạng thái không hợp lệ: {status}")
    if feedback.status in CLOSED:
        raise FeedbackError(f"phản ánh {feedback.tracking_code} đã đóng ({feedback.status})")
    before = feedback_state(feedback)
    now = now or local_now()
    feedback.status = status
    feedback.events.append(FeedbackEvent(status=status, at=now, note=note))
    if status == FeedbackStatus.DECLINED:
        feedback.published = False
        notify(session, feedback, "declined", now)
    log_action(session, actor, f"feedback.{status}", feedback, note, before)


def answer_feedback(
    session: Session,
    actor: Actor | Account,
    feedback: Feedback,
    answer: str,
    by: str | None = None,
    publish: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Give the answer the citizen sees; publish it in /feedback only if the citizen consented (not committed)."""
    answer = (answer or "").strip()
    if not answer:
        raise FeedbackError("câu trả lời trống")
    if feedback.status == FeedbackStatus.DECLINED:
        raise FeedbackError(f"phản ánh {feedback.tracking_code} đã bị từ chối")
    if publish and not feedback.publish_consent:
        raise FeedbackError(f"người gửi {feedback.tracking_code} không đồng ý công khai")
    before = feedback_state(feedback)
    now = now or local_now()
    corrected = feedback.status == FeedbackStatus.ANSWERED
    # A correction keeps the day it was first answered (the deadline was met or missed then).
    feedback.answer, feedback.answered_by = answer, by
    if not corrected:
        feedback.answered_at = now
    feedback.status = FeedbackStatus.ANSWERED
    feedback.published = publish
    feedback.folded = fold(f"{feedback.content} {answer}")
    # Each answer given is kept with its event: a corrected answer leaves its history.
    feedback.events.append(FeedbackEvent(status=FeedbackStatus.ANSWERED, at=now, note=answer))
    notify(session, feedback, "corrected" if corrected else "answered", now)
    log_action(session, actor, "feedback.correct" if corrected else "feedback.answer", feedback, answer[:200], before)


def notify(session: Session, feedback: Feedback, event: str, now: dt.datetime) -> None:
    """Tell the citizen by mail, if they left an address, that their feedback was `event`
    (answered, corrected, declined): a mail in the outbox, in this transaction (app/outbox.py
    writes and sends it)."""
    if not feedback.contact_email:
        return
    session.add(
        OutboxMail(
            created_at=now,
            topic=f"feedback.{event}:{feedback.tracking_code}",
            recipient=feedback.contact_email,
            lang=feedback.lang or "vi",
            attempts=0,
            next_attempt_at=now,
        )
    )


def answer_history(feedback: Feedback) -> list[FeedbackEvent]:
    """The answers given before the one in force, the latest first (a corrected answer's history)."""
    given = [e for e in feedback.events if e.status == FeedbackStatus.ANSWERED and e.note]
    return list(reversed(given[:-1]))


@dataclass
class CaseFacts:
    """What a matching case file tells a rating: verified agency, officer and procedure."""

    case: Case
    agency: Agency
    officer: Officer | None
    procedure: Procedure | None


def case_facts(session: Session, code: str | None, token: str | None) -> CaseFacts | None:
    """The imported file with this code when `token` is its receipt token, else None: without the
    token nothing tells whether a file has this code."""
    case = case_by_receipt(session, code, token)
    if case is None:
        return None
    officer = None
    if case.officer_code:
        officer = session.scalar(select(Officer).where(Officer.code == case.officer_code))
    if officer is None:
        # The last step's officer handled the file when it names none itself.
        officer = session.scalar(
            select(Officer)
            .join(Step, Step.officer_id == Officer.id)
            .where(Step.case_id == case.id)
            .order_by(Step.step_no.desc())
            .limit(1)
        )
    procedure = None
    if case.procedure_code:
        procedure = session.scalar(select(Procedure).where(Procedure.code == case.procedure_code))
    return CaseFacts(case, case.agency, officer, procedure)


def already_rated(session: Session, facts: CaseFacts | None) -> bool:
    """Whether the file (found by its receipt) has its verified rating already."""
    return facts is not None and session.scalar(select(Rating.id).where(Rating.case_id == facts.case.id)) is not None


def officer_of_agency(officer: Officer | None, agency: Agency | None) -> bool:
    """Whether the officer works in the agency: a rating may name only such an officer."""
    return officer is None or (agency is not None and officer.agency_id == agency.id)


def submit_rating(
    session: Session,
    criteria: CriteriaSet,
    *,
    overall: str,
    scores: dict[int, int],
    agency: Agency | None,
    procedure: Procedure | None = None,
    officer: Officer | None = None,
    facts: CaseFacts | None = None,
    comment: str | None = None,
    client: str | None = None,
    now: dt.datetime | None = None,
) -> Rating:
    """Add a rating (not committed). With `facts` (the file found by its receipt token) it is
    verified and takes agency, officer and procedure from the file, and a file rated already
    raises DuplicateRating; without, it claims no file and names an officer only of `agency`."""
    if not Overall.has(overall):
        raise ValueError(overall)
    numbers = {c.number for c in criteria.criteria}
    if any(n not in numbers or s not in (0, 1, 2) for n, s in scores.items()):
        raise ValueError(scores)
    if facts is not None:
        agency, officer, procedure = facts.agency, facts.officer, facts.procedure
        if already_rated(session, facts):
            raise DuplicateRating(facts.case.code)
    if agency is None:
        raise ValueError("agency")
    if facts is None and not officer_of_agency(officer, agency):
        raise ValueError("officer")
    now = now or local_now()
    rating = Rating(
        created_at=now,
        month=f"{now.year:04d}-{now.month:02d}",
        agency=agency,
        procedure=procedure,
        officer=officer,
        case_code=facts.case.code if facts else None,
        case=facts.case if facts else None,
        verified=facts is not None,
        overall=overall,
        criteria_set=criteria.key,
        scores={str(n): s for n, s in sorted(scores.items())},
        score_total=sum(scores.values()),
        complete=len(scores) == len(numbers),
        # A comment of nothing visible (spaces, zero-width characters) is no comment.
        comment=comment.strip() if comment and says_something(comment) else None,
        comment_approved=False,
        comment_hidden=False,
        client_hash=client,
    )
    session.add(rating)
    try:
        session.flush()
    except IntegrityError:
        # Another request rated the same file between the check and this write.
        session.rollback()
        if facts is not None:
            raise DuplicateRating(facts.case.code) from None
        raise
    return rating


COMMENT_ACTIONS = ("approve", "hide")


def moderate_comment(session: Session, actor: Actor | Account, rating: Rating, action: str, reason: str | None) -> None:
    """Publish a rating's comment (approve), or keep it off the public pages with its reason
    (hide); the scores count either way (not committed)."""
    if action not in COMMENT_ACTIONS:
        raise FeedbackError(f"thao tác không hợp lệ: {action}")
    if action == "hide" and not reason:
        raise FeedbackError("hãy ghi lý do ẩn góp ý")
    before = comment_state(rating)
    hide = action == "hide"
    rating.comment_approved, rating.comment_hidden = not hide, hide
    rating.hidden_reason = reason if hide else None
    audit.record(
        session, actor, f"rating.{action}", "rating", str(rating.id), reason or None, before, comment_state(rating)
    )


def comment_state(rating: Rating) -> dict:
    return {
        "comment_approved": rating.comment_approved,
        "comment_hidden": rating.comment_hidden,
        "hidden_reason": rating.hidden_reason,
    }
