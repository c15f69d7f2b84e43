"""Demo ratings and feedback for January to August 2022, deterministic, written through the same
service functions as the public forms.

About a third of the ratings carry the case code of a demo file (verified; agency and officer come
from the file); agencies that are often late are rated lower. Feedback is a mix of received, in
progress, answered (most of those published) and one declined as spam; every item that left
contact details keeps them private.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import Actor
from app.feedback import service
from app.feedback.codes import FeedbackKind, FeedbackStatus, Overall
from app.feedback.criteria import CriteriaSet
from app.models import Case, Procedure

SEED = 20221001
RATINGS = 640
# How agencies that are often late are rated: their share of unsatisfied ratings.
HARSH = {"H34.STNMT": 0.32, "H34.SXD": 0.22, "H34.KPL": 0.2, "H34.IHD": 0.18}

QUESTIONS = [
    (
        FeedbackKind.PHAN_ANH,
        "Tôi nộp hồ sơ {p} từ đầu tháng nhưng đến nay quá hẹn vẫn chưa nhận được kết quả, cũng không được báo lý do.",
        "Hồ sơ của ông/bà bị chậm do phải xác minh thêm tại địa phương. "
        "Cơ quan đã gửi văn bản xin lỗi và hẹn trả kết quả trong 3 ngày làm việc.",
    ),
    (
        FeedbackKind.KIEN_NGHI,
        "Đề nghị cho phép nộp bản sao điện tử thay cho bản sao chứng thực khi làm thủ tục {p}.",
        "Từ tháng 6/2022, hồ sơ nộp trực tuyến được dùng bản sao điện tử từ Kho dữ liệu của công dân; "
        "không cần bản sao chứng thực.",
    ),
    (
        FeedbackKind.PHAN_ANH,
        "Cán bộ tiếp nhận yêu cầu bổ sung giấy tờ hai lần, mỗi lần một loại khác nhau, với thủ tục {p}.",
        "Văn phòng đã nhắc nhở cán bộ tiếp nhận: yêu cầu bổ sung phải nêu đầy đủ một lần bằng phiếu hướng dẫn. "
        "Xin cảm ơn ông/bà đã phản ánh.",
    ),
    (
        FeedbackKind.KIEN_NGHI,
        "Đề nghị niêm yết rõ lệ phí {p} tại Bộ phận Một cửa và trên cổng dịch vụ công.",
        "Lệ phí đã được niêm yết tại quầy và công khai trên trang này, mục Phí, lệ phí của thủ tục.",
    ),
    (
        FeedbackKind.PHAN_ANH,
        "Cổng dịch vụ công báo lỗi khi tải tệp đính kèm cho thủ tục {p}.",
        "Lỗi tải tệp lớn hơn 10 MB đã được khắc phục ngày 15/7/2022. "
        "Đề nghị ông/bà nộp lại; hồ sơ sẽ được tính từ ngày nộp đầu tiên.",
    ),
    (
        FeedbackKind.KIEN_NGHI,
        "Xin hướng dẫn cụ thể hồ sơ {p} cho người ở xa, không đến trụ sở được.",
        "Ông/bà có thể nộp qua dịch vụ bưu chính công ích hoặc trực tuyến; "
        "kết quả được gửi về tận nhà, cước do người nhận trả.",
    ),
]
PRIVATE_CONTACTS = [
    ("Nguyễn Văn Demo", "demo.nguoi.gui@example.vn", "0905 000 111"),
    (None, None, "0260 3 000 222"),
    ("Trần Thị Minh Họa", None, None),
]


def load(session: Session, criteria: CriteriaSet, actor: Actor) -> tuple[int, int]:
    """Add the demo ratings and feedback; return how many of each."""
    rng = random.Random(SEED)
    agencies = sorted(service.selectable_agencies(session), key=lambda a: a.code)
    weights = [5 if a.level in ("sở", "huyện", "thành phố") else 1 for a in agencies]
    procedures = list(session.scalars(select(Procedure).order_by(Procedure.code).limit(400)))
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.finished_at.is_not(None), Case.officer_code.is_not(None))
            .order_by(Case.id)
            .limit(60000)
        )
    )
    # A few officers' files are rated often, so that the officer table has names to show.
    officers = sorted({c.officer_code for c in cases if c.officer_code is not None})
    often = set(rng.sample(officers, min(len(officers), 14)))
    pool = [c for c in cases if c.officer_code in often]
    rated_cases = rng.sample(pool, min(len(pool), RATINGS // 3)) if pool else []
    # Two thirds of the applicants rate from their receipt (verified); the rest at a counter.
    taken = {c.id for c in rated_cases}
    finished = [
        i
        for i in session.scalars(select(Case.id).where(Case.finished_at.is_not(None)).order_by(Case.id))
        if i not in taken
    ]
    chosen = rng.sample(finished, min(len(finished), RATINGS // 3))
    rated_cases += list(session.scalars(select(Case).where(Case.id.in_(chosen)).order_by(Case.id)))
    for number in range(RATINGS):
        case = rated_cases[number] if number < len(rated_cases) else None
        agency = case.agency if case else rng.choices(agencies, weights)[0]
        when = _moment(rng, case.finished_at if case else None)
        harsh = HARSH.get(agency.code, 0.06)
        odds = [0.5 - harsh / 2, 0.5 - harsh / 2, harsh]
        overall = rng.choices(list(Overall), odds)[0]
        scores = _scores(rng, criteria, overall) if rng.random() < 0.7 else {}
        # A rated file's applicant came from the receipt's link: the rating is verified.
        rating = service.submit_rating(
            session,
            criteria,
            overall=overall,
            scores=scores,
            agency=agency,
            procedure=None if case else rng.choice(procedures),
            facts=service.case_facts(session, case.code, case.receipt_token) if case else None,
            comment=rng.choice(
                [None, None, "Cán bộ hướng dẫn tận tình.", "Phải chờ lâu ở quầy.", "Nên có thêm chỗ ngồi chờ."]
            ),
            now=when,
        )
        # Most comments the Office has approved; the rest wait in its queue.
        rating.comment_approved = rating.comment is not None and rng.random() < 0.85
    feedback = 0
    for number in range(36):
        kind, question, answer = QUESTIONS[number % len(QUESTIONS)]
        procedure = procedures[rng.randrange(len(procedures))]
        contact = PRIVATE_CONTACTS[number % len(PRIVATE_CONTACTS)] if number % 2 else (None, None, None)
        received = dt.datetime(
            2022, 1 + number * 8 // 36, 1 + rng.randrange(27), 8 + rng.randrange(9), rng.randrange(60)
        )
        item = service.submit_feedback(
            session,
            kind=kind,
            content=question.format(p=procedure.name.lower()),
            procedure=procedure,
            agency=rng.choice(agencies) if number % 3 else None,
            name=contact[0],
            email=contact[1],
            phone=contact[2],
            publish_consent=number % 5 != 4,
            now=received,
        )
        feedback += 1
        if number % 9 == 8:
            continue  # still received
        service.set_status(session, actor, item, FeedbackStatus.IN_PROGRESS, now=received + dt.timedelta(days=1))
        if number == 13:
            continue
        service.answer_feedback(
            session,
            actor,
            item,
            answer,
            by="Văn phòng UBND tỉnh",
            publish=item.publish_consent,
            now=received + dt.timedelta(days=3 + rng.randrange(9)),
        )
    spam = service.submit_feedback(
        session,
        kind=FeedbackKind.PHAN_ANH,
        content="Quảng cáo vay tiền nhanh, liên hệ ngay!!!",
        now=dt.datetime(2022, 8, 20, 23, 11),
    )
    service.set_status(
        session,
        actor,
        spam,
        FeedbackStatus.DECLINED,
        note="Nội dung quảng cáo, không phải phản ánh.",
        now=dt.datetime(2022, 8, 22, 8, 30),
    )
    return RATINGS, feedback + 1


LAST = dt.datetime(2022, 8, 31, 17, 0)


def _moment(rng: random.Random, finished: dt.datetime | None) -> dt.datetime:
    if finished is not None:
        return min(finished + dt.timedelta(hours=1 + rng.randrange(48)), LAST)
    return dt.datetime(2022, 1 + rng.randrange(8), 1 + rng.randrange(28), 7 + rng.randrange(10), rng.randrange(60))


def _scores(rng: random.Random, criteria: CriteriaSet, overall: Overall) -> dict[int, int]:
    centre = {Overall.VERY_SATISFIED: 1.8, Overall.SATISFIED: 1.4, Overall.UNSATISFIED: 0.7}[overall]
    return {c.number: max(0, min(2, round(rng.gauss(centre, 0.5)))) for c in criteria.criteria}
