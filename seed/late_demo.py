"""A deterministic demo of Kon Tum's case files for January to August 2022.

The totals reproduce the Kon Tum notice exactly (SPEC §7): 183,854 files resolved, 21,686 of them
late (88.2% on time), the Department of Natural Resources and Environment 13,407 late and 2,252
pending overdue at the end of August. Everything else (how the files spread over agencies and
months, who handled them, how late) is invented, but shaped like a real one-stop system: agencies
of very different sizes, a few chronically late officers, months that improve and months that
worsen, apologies for most late files but not all.

The files are laid out backwards from the outcome they must have (finished day first, then the due
day, then the receipt), with the same working-day calendar the rules use, so that the rules give
back exactly the planned figures. Their events (SPEC §3) are laid out the same way: a file that
waited for the applicant's documents was received earlier by the length of the pause, so that its
effective due day is still the planned one; a file asked twice for documents is late whatever its
dates; a file finished while waiting is judged at the request, so only files planned early are
finished that way. Files still waiting at the end of August, or pending within their time, are
added after the eight months' files: they change no figure of the notice. The events draw from a
generator of their own, so the files' draws (and with them every split of the notice's figures)
are the same with or without them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.catalogue.codes import Level, TimeUnit
from app.late.calendar import WorkCalendar
from app.late.codes import CaseStatus, EventKind
from app.late.rules import Month

SEED = 20220831
AUGUST_END = dt.date(2022, 8, 31)
MONTHS = [Month(2022, m) for m in range(1, 9)]
TOTAL_RESOLVED = 183_854
TOTAL_LATE = 21_686
STNMT = "H34.STNMT"
STNMT_RESOLVED = 31_240
STNMT_LATE = 13_407
STNMT_PENDING = 2_252
# Relative volume of each month: Tết (February) is quiet.
MONTH_WEIGHTS = [1.0, 0.72, 1.06, 0.98, 1.04, 1.1, 1.08, 1.02]

# Files resolved in eight months, and the share of them resolved late, by agency (illustrative).
DEPARTMENTS = {
    "H34.VP": (150, 0.02),
    "H34.STP": (9_800, 0.012),
    "H34.SKHDT": (6_900, 0.03),
    "H34.STC": (420, 0.05),
    "H34.SXD": (2_100, 0.14),
    "H34.SGTVT": (14_600, 0.02),
    "H34.SCT": (1_650, 0.04),
    "H34.SNNPTNT": (1_400, 0.11),
    "H34.SLDTBXH": (5_300, 0.07),
    "H34.SGDDT": (2_300, 0.015),
    "H34.SYT": (3_100, 0.06),
    "H34.SVHTTDL": (640, 0.03),
    "H34.SKHCN": (260, 0.02),
    "H34.STTTT": (240, 0.01),
    "H34.SNV": (480, 0.09),
    "H34.BDT": (40, 0.0),
    "H34.TTT": (30, 0.0),
    "H34.BQLKKT": (210, 0.08),
    "H34.CAT": (4_600, 0.01),
}
DISTRICTS = {
    "H34.TPKT": (17_800, 0.06),
    "H34.DKH": (6_200, 0.05),
    "H34.DKT": (5_400, 0.07),
    "H34.NGH": (5_900, 0.04),
    "H34.DKG": (3_300, 0.09),
    "H34.STH": (4_100, 0.05),
    "H34.KRY": (2_900, 0.03),
    "H34.KPL": (3_600, 0.1),
    "H34.TMR": (2_200, 0.08),
    "H34.IHD": (1_300, 0.12),
}
COMMUNE = (2_300, 0.015)
PENDING_ELSEWHERE = {
    "H34.TPKT": 64,
    "H34.SXD": 41,
    "H34.SNNPTNT": 23,
    "H34.KPL": 19,
    "H34.DKG": 12,
    "H34.IHD": 9,
    "H34.SLDTBXH": 7,
    "H34.DKT": 5,
}
# Agencies whose late files get worse (+1) or better (-1) over the eight months.
TRENDS = {STNMT: -1, "H34.SXD": 1, "H34.TPKT": -1, "H34.KPL": 1, "H34.SNNPTNT": -1, "H34.IHD": 1}
NEVER_APOLOGISE = {"H34.KPL", "H34.IHD"}
# Agencies that settle land and building files: their explanations name surveys and tax offices.
LAND = {STNMT, "H34.SXD", "H34.SNNPTNT", *DISTRICTS}

REASONS = [
    "Khối lượng hồ sơ tăng đột biến trong tháng, không đủ công chức thụ lý",
    "Công chức thụ lý nghỉ ốm, chưa kịp bàn giao hồ sơ",
    "Lãnh đạo đi công tác, chưa ký được kết quả",
    "Phải lấy ý kiến của cơ quan liên quan, cơ quan được hỏi trả lời chậm",
    "Phần mềm một cửa điện tử gặp sự cố, không chuyển được hồ sơ",
    "Chuyển hồ sơ qua dịch vụ bưu chính bị chậm",
    "Chờ ý kiến thẩm định của sở chuyên ngành",
    "Công chức chưa nắm hết quy trình mới, phải xin ý kiến cấp trên",
]
LAND_REASONS = [
    "Phải xác minh thực địa, mưa lũ không đi lại được",
    "Chờ kết quả đo đạc của Văn phòng Đăng ký đất đai",
    "Chờ cơ quan thuế xác định nghĩa vụ tài chính",
    "Thửa đất có tranh chấp, phải hòa giải tại cơ sở",
    "Hồ sơ địa chính gốc không khớp, phải chỉnh lý bản đồ",
    "Chờ Ủy ban nhân dân cấp xã xác nhận nguồn gốc sử dụng đất",
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "A",
    "Y",
    "Rơ Châm",
    "Đinh",
]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Thanh", "Ngọc", "Quốc", "Thu", "Đức", "Hồng", "Xuân", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vân",
    "Việt",
    "Yến",
    "Blúp",
    "Thơ",
]


@dataclass
class Officer:
    code: str
    name: str
    title: str
    agency: str


@dataclass
class Staff:
    desk: list[Officer]
    specialists: list[Officer]
    leaders: list[Officer]
    # Weights for who is behind a late file: a few chronic latecomers carry most of them.
    late_weights: list[float]


@dataclass
class Demo:
    officers: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)

    def rows(self, kind: str) -> Iterator[tuple[int, dict]]:
        """Numbered rows for the importer of `kind`, as a file's rows would be."""
        return enumerate(getattr(self, kind), start=2)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, the remainders to the largest fractions."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (exact[i] - counts[i], -i), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def level_key(level: str | None) -> Level:
    """The procedures' level an agency of this (free text) level carries out."""
    level = (level or "").lower()
    if level in ("xã", "phường", "thị trấn"):
        return Level.XA
    if level in ("huyện", "thành phố", "thị xã"):
        return Level.HUYEN
    return Level.TINH


def plan(agencies: list[tuple[str, str | None]], scale: int = 1) -> dict[str, tuple[int, int, int]]:
    """Files resolved, late and pending overdue at the end of August, per agency: exact totals
    (`scale` times the notice's, for a bigger province)."""
    volumes: dict[str, float] = {}
    rates: dict[str, float] = {}
    volume: float
    for code, level in agencies:
        if code == STNMT:
            continue
        volume, rate = DEPARTMENTS.get(code) or DISTRICTS.get(code) or (0, 0.0)
        if not volume and level_key(level) == Level.XA:
            # Communes differ in size and diligence; each one's own generator keeps that stable.
            local = random.Random(f"{SEED}:{code}")
            volume, rate = COMMUNE[0] * local.uniform(0.4, 1.8), COMMUNE[1] * local.uniform(0.2, 2.6)
        if volume:
            volumes[code], rates[code] = volume, rate
    codes = sorted(volumes)
    resolved = dict(zip(codes, apportion(scale * (TOTAL_RESOLVED - STNMT_RESOLVED), [volumes[c] for c in codes])))
    late = dict(zip(codes, apportion(scale * (TOTAL_LATE - STNMT_LATE), [resolved[c] * rates[c] for c in codes])))
    result = {c: (resolved[c], late[c], scale * PENDING_ELSEWHERE.get(c, 0)) for c in codes}
    result[STNMT] = (scale * STNMT_RESOLVED, scale * STNMT_LATE, scale * STNMT_PENDING)
    return result


def monthly(rng: random.Random, code: str, resolved: int, late: int) -> list[tuple[int, int]]:
    """Split an agency's totals over the months, with noise and its trend."""
    weights = [w * rng.uniform(0.9, 1.1) for w in MONTH_WEIGHTS]
    per_month = apportion(resolved, weights)
    trend = TRENDS.get(code, 0)
    late_weights = [n * (1 + 0.09 * trend * (i - 3.5)) * rng.uniform(0.85, 1.15) for i, n in enumerate(per_month)]
    late_month = apportion(late, late_weights)
    # A month cannot have more late files than files: move any excess to the roomiest month.
    for i in range(len(per_month)):
        while late_month[i] > per_month[i]:
            late_month[i] -= 1
            j = max(range(len(per_month)), key=lambda k: per_month[k] - late_month[k])
            late_month[j] += 1
    return list(zip(per_month, late_month))


def person(rng: random.Random) -> str:
    family = rng.choice(FAMILY)
    middle = rng.choice(MIDDLE)
    return f"{family} {middle} {rng.choice(GIVEN)}"


def staff_for(rng: random.Random, code: str, level: str | None, resolved: int) -> Staff:
    """Officers of one agency: one-stop desk, specialists and leaders, by the agency's size."""
    commune = level_key(level) == Level.XA
    number = iter(range(1, 1000))

    def make(count: int, title: str) -> list[Officer]:
        return [Officer(f"{code}.CB{next(number):03d}", person(rng), title, code) for _ in range(count)]

    desk = make(max(1, min(6, resolved // 6000 + 1)), "Công chức Bộ phận Một cửa")
    specialist_title = "Công chức Tư pháp - Hộ tịch" if commune else "Chuyên viên"
    specialists = make(max(2, min(30, resolved // 1200 + 2)), specialist_title)
    leaders = make(
        1 if commune else 2, "Phó Chủ tịch UBND" if commune or level_key(level) == Level.HUYEN else "Phó Giám đốc"
    )
    chronic = max(1, len(specialists) // 8)
    weights = [8.0 if i < chronic else rng.uniform(0.3, 1.5) for i in range(len(specialists))]
    return Staff(desk, specialists, leaders, weights)


@dataclass
class Layout:
    """A file's dates once its events are laid out, and those events."""

    received: dt.datetime
    promise: dt.date  # the due day before any pause: the file's due_at, or what the rules compute
    due: dt.date  # the effective due day, after the pauses: the one its planned outcome needs
    events: list[tuple[EventKind, dt.datetime]] = field(default_factory=list)
    steps_on_time: bool = False  # late only because it was asked twice: every step on time


class Story:
    """What happened to the files between receipt and result: pauses for the applicant's documents,
    requests left unanswered, second requests, new appointments, apologies and the agencies' reasons.
    It draws from a generator of its own."""

    def __init__(self, rng: random.Random, calendar: WorkCalendar):
        self.rng, self.calendar = rng, calendar

    def resolved(
        self, agency: str, outcome: str, days: int, received: dt.datetime, due: dt.date, finished: dt.datetime
    ) -> Layout:
        """Lay out the events of a file resolved with its planned outcome, against due day `due`."""
        rng = self.rng
        draw = rng.random()
        if outcome == "late" and draw < 0.03:
            # Asked twice: most such files have on-time dates, the second request alone makes them late.
            on_time = rng.random() < 0.6
            if on_time:
                due = finished.date()
            return self._paused(days, received, due, finished, [self._length(), self._length()], on_time)
        if outcome == "early" and draw < 0.012:
            # Finished while waiting for the documents: judged at the request, before its due day.
            return Layout(received, due, due, [(EventKind.SUPPLEMENT_REQUESTED, self._between(received, finished))])
        if draw < (0.16 if agency in LAND else 0.06):
            return self._paused(days, received, due, finished, [self._length()])
        return Layout(received, due, due)

    def _length(self) -> int:
        """Working days a pause lasts: mostly a few, sometimes weeks."""
        return min(20, 1 + int(self.rng.expovariate(1 / 4)))

    def _paused(
        self,
        days: int,
        received: dt.datetime,
        due: dt.date,
        finished: dt.datetime,
        lengths: list[int],
        steps_on_time: bool = False,
    ) -> Layout:
        """The file received earlier by its pauses, so that they bring its due day back to `due`; each
        pause a request and its receipt, all before the day it finished."""
        calendar, rng = self.calendar, self.rng
        total = sum(lengths)
        day = calendar.subtract_working_days(due, days + total)
        moved = dt.datetime.combine(day, received.time())
        last = calendar.subtract_working_days(finished.date(), 1)
        span = [day]
        while span[-1] < last:
            span.append(calendar.add_working_days(span[-1], 1))
        slack = len(span) - 1 - total
        if slack < 0:
            return Layout(received, due, due)  # no room for a pause before it finished
        cuts = sorted(rng.randint(0, slack) for _ in lengths)
        events, index = [], 0
        for gap, length in zip([b - a for a, b in zip([0, *cuts], cuts)], lengths):
            index += gap
            events.append((EventKind.SUPPLEMENT_REQUESTED, self.at(span[index], (13, 30), (16, 0), moved)))
            index += length
            events.append((EventKind.SUPPLEMENT_RECEIVED, self.at(span[index], (7, 30), (10, 30), moved)))
        return Layout(moved, calendar.subtract_working_days(due, total), due, events, steps_on_time)

    def at(self, day: dt.date, start: tuple[int, int], end: tuple[int, int], after: dt.datetime) -> dt.datetime:
        """A moment of office hours on `day`, at least half an hour after `after`."""
        minute = self.rng.randint(start[0] * 60 + start[1], end[0] * 60 + end[1])
        return max(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)), after + dt.timedelta(minutes=30))

    def _between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A moment of office hours on a working day strictly between `start` and `end`."""
        calendar = self.calendar
        days = [start.date()]
        while days[-1] < end.date():
            days.append(calendar.add_working_days(days[-1], 1))
        moment = self.at(self.rng.choice(days), (8, 0), (16, 0), start)
        if not start < moment < end:
            moment = start + (end - start) / 2
        return moment

    def late(
        self, agency: str, layout: Layout, finished: dt.datetime | None, apology: bool
    ) -> tuple[bool, list[tuple[str, dt.datetime, str | None, dt.date | None]]]:
        """A late file's new appointments, apology and explanation: whether the apology is in the
        file's column (else it is an event), and the events."""
        rng, calendar = self.rng, self.calendar
        events: list[tuple[str, dt.datetime, str | None, dt.date | None]] = []
        column = apology
        end = finished or dt.datetime.combine(AUGUST_END, dt.time(23))
        if apology and rng.random() < 0.65:
            # The apology letter gives the applicant a new appointment, on or just before the due day.
            day = max(layout.received.date(), calendar.subtract_working_days(layout.due, rng.randint(0, 2)))
            at = self.at(day, (8, 0), (16, 30), layout.received)
            if not at < end:
                at = layout.received + (end - layout.received) / 2
            behind = calendar.working_days_after(layout.due, end.date())
            new_due = calendar.add_working_days(layout.due, rng.randint(1, behind + 3))
            events.append((EventKind.RESCHEDULED, at, None, new_due))
            if rng.random() < 0.5:
                column = False
                events.append((EventKind.APOLOGY_SENT, at, None, None))
            if new_due < end.date() and rng.random() < 0.25:
                # Missed again: a second appointment.
                again = dt.datetime.combine(new_due, dt.time(9, rng.randint(0, 59)))
                events.append(
                    (EventKind.RESCHEDULED, again, None, calendar.add_working_days(new_due, rng.randint(1, 6)))
                )
        elif apology and finished is not None and rng.random() < 0.3:
            column = False
            events.append((EventKind.APOLOGY_SENT, finished, None, None))
        if finished is not None and rng.random() < (0.25 if agency in NEVER_APOLOGISE else 0.8):
            # Explained to the agency's head within a few days of the result.
            day = calendar.add_working_days(finished.date(), rng.randint(0, 3))
            reasons = LAND_REASONS if agency in LAND and rng.random() < 0.7 else REASONS
            events.append((EventKind.EXPLAINED, self.at(day, (8, 0), (16, 30), finished), rng.choice(reasons), None))
        return column, events


class Builder:
    """Lays out files backwards from their outcome, with the rules' own calendar."""

    def __init__(self, rng: random.Random, calendar: WorkCalendar, procedures: dict[str, list[tuple[str, int]]]):
        self.rng, self.calendar, self.procedures = rng, calendar, procedures
        self.story = Story(random.Random(SEED + 1), calendar)
        self.demo = Demo()
        self.serial = 0
        self.working = {m: [d for d in _days(m) if calendar.is_working_day(d)] for m in MONTHS}

    def _code(self, agency: str, received: dt.datetime) -> str:
        self.serial += 1
        return f"{agency}-{received:%y%m%d}-{self.serial:06d}"

    def _time(self, day: dt.date, start: tuple[int, int], end: tuple[int, int]) -> dt.datetime:
        low, high = start[0] * 60 + start[1], end[0] * 60 + end[1]
        minute = self.rng.randint(low, high)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60))

    def resolved_file(
        self, agency: str, level: str | None, staff: Staff, month: Month, outcome: str, apology: bool, mean_late: float
    ) -> None:
        rng, calendar = self.rng, self.calendar
        procedure, days = rng.choice(self.procedures[level_key(level)])
        finished_day = rng.choice(self.working[month])
        if outcome == "late":
            behind = min(40, 1 + int(rng.expovariate(1 / mean_late)))
            due = calendar.subtract_working_days(finished_day, behind)
        elif outcome == "early":
            due = calendar.add_working_days(finished_day, rng.randint(1, min(days, 5)))
        else:
            due = finished_day
        received_day = calendar.subtract_working_days(due, days)
        received = self._time(received_day, (7, 15), (16, 0))
        finished = self._time(finished_day, (7, 30), (16, 30))
        if finished < received + dt.timedelta(minutes=20):
            finished = received + dt.timedelta(minutes=rng.randint(20, 45))
        layout = self.story.resolved(agency, outcome, days, received, due, finished)
        self._add(agency, staff, procedure, days, layout, finished, outcome, apology)

    def pending_file(self, agency: str, level: str | None, staff: Staff) -> None:
        """A file overdue and still unfinished at the end of August."""
        rng, calendar = self.rng, self.calendar
        procedure, days = rng.choice(self.procedures[level_key(level)])
        due = rng.choice([d for m in MONTHS[5:] for d in self.working[m] if d < AUGUST_END])
        received = self._time(calendar.subtract_working_days(due, days), (7, 15), (16, 0))
        finished = None
        if rng.random() < 0.55:
            finished = self._time(rng.choice(_september(calendar)), (7, 30), (16, 30))
        self._add(agency, staff, procedure, days, Layout(received, due, due), finished, "late", rng.random() < 0.6)

    def open_files(self, agency: str, level: str | None, staff: Staff, resolved: int) -> None:
        """Files open at the end of August that change none of the notice's figures: some waiting for
        the applicant's documents since July or August, more received in August and within time."""
        rng, calendar = self.rng, self.calendar
        pool = self.procedures[level_key(level)]
        summer = [d for m in MONTHS[6:] for d in self.working[m] if d >= dt.date(2022, 7, 11)]
        september = _september(calendar)
        for _ in range(max(1, resolved // 300)):
            procedure, days = rng.choice(pool)
            received = self._time(rng.choice(summer), (7, 15), (15, 30))
            promise = calendar.add_working_days(received.date(), days)
            # Asked before the due day and within the month of receipt, so no month's end finds it overdue.
            month = self.working[Month.of(received.date())]
            request = self.story.at(
                rng.choice([d for d in month if received.date() <= d <= promise]), (8, 0), (16, 0), received
            )
            events = [(EventKind.SUPPLEMENT_REQUESTED, request)]
            finished = None
            if rng.random() < 0.4:
                receipt = self._time(rng.choice(september[3:]), (7, 30), (10, 30))
                events.append((EventKind.SUPPLEMENT_RECEIVED, receipt))
                finished = self._time(
                    calendar.add_working_days(receipt.date(), rng.randint(0, days + 2)), (13, 0), (16, 30)
                )
            self._add(agency, staff, procedure, days, Layout(received, promise, promise, events), finished, "", False)
        for _ in range(max(1, resolved // 60)):
            procedure, days = rng.choice(pool)
            day = rng.choice(self.working[MONTHS[7]][-8:])
            if calendar.add_working_days(day, days) <= AUGUST_END:
                continue  # due in August: it would be overdue or finished by now
            received = self._time(day, (7, 15), (16, 0))
            promise = calendar.add_working_days(day, days)
            finished = None
            if rng.random() < 0.85:
                last = calendar.add_working_days(promise, 2)
                finished = self._time(rng.choice([d for d in september if d <= last] or [last]), (7, 30), (16, 30))
            outcome = "late" if finished is not None and finished.date() > promise else ""
            self._add(agency, staff, procedure, days, Layout(received, promise, promise), finished, outcome, False)

    def _add(
        self,
        agency: str,
        staff: Staff,
        procedure: str,
        days: int,
        layout: Layout,
        finished: dt.datetime | None,
        outcome: str,
        apology: bool,
    ) -> None:
        rng = self.rng
        received, due = layout.received, layout.due
        code = self._code(agency, received)
        late = outcome == "late"
        specialist = rng.choices(staff.specialists, staff.late_weights)[0] if late else rng.choice(staff.specialists)
        # Three in ten promises are left for the rules to compute from the procedure's time limit.
        computed = rng.random() < 0.3
        with_time = not computed and rng.random() < 0.2
        promise = dt.datetime.combine(layout.promise, dt.time(17, 0)) if with_time else layout.promise
        column, notes = self.story.late(agency, layout, finished, apology) if late else (False, [])
        self.demo.cases.append(
            {
                "case_code": code,
                "procedure_code": procedure,
                "agency_code": agency,
                "received_at": received,
                "due_at": None if computed else promise,
                "finished_at": finished,
                "status": "",
                "apology_sent": "1" if late and column else "",
                "officer_code": specialist.code,
            }
        )
        notes.extend((kind, at, None, None) for kind, at in layout.events)
        for event, at, reason, new_due in sorted(notes, key=lambda n: n[1]):
            self.demo.events.append(
                {"case_code": code, "event": event, "at": at, "reason": reason, "new_due_at": new_due}
            )
        if rng.random() < 0.05:
            return  # some files were entered without their steps
        desk = rng.choice(staff.desk)
        self._step(code, 1, desk, received, received.date(), received + dt.timedelta(minutes=10))
        step_due = self.calendar.subtract_working_days(due, 1) if days >= 2 else due
        start = received + dt.timedelta(minutes=10)
        on_time_end = dt.datetime.combine(step_due, dt.time(16, 45))
        blame = rng.random() if late else 1.0
        if layout.steps_on_time:
            blame = 1.0
        if finished is None or (late and blame < 0.7):
            # The specialist held the file past both deadlines (or still holds it).
            self._step(code, 2, specialist, start, step_due, finished)
        elif late and blame < 0.9:
            leader = rng.choice(staff.leaders)
            self._step(code, 2, specialist, start, step_due, on_time_end)
            self._step(code, 3, leader, on_time_end, due, finished)
        else:
            # On time, or late with every step on time: the result was returned late.
            end = min(finished, on_time_end) if finished.date() > step_due else finished
            self._step(code, 2, specialist, start, step_due, end)
            if not late and rng.random() < 0.4:
                self._step(code, 3, rng.choice(staff.leaders), end, due, finished)

    def _step(
        self, case: str, number: int, officer: Officer, started: dt.datetime, due: dt.date, finished: dt.datetime | None
    ) -> None:
        self.demo.steps.append(
            {
                "case_code": case,
                "step_no": number,
                "officer_code": officer.code,
                "officer_name": officer.name,
                "officer_title": officer.title,
                "agency_code": officer.agency,
                "started_at": started,
                "due_at": due,
                "finished_at": finished,
            }
        )

    def withdrawn_file(self, agency: str, level: str | None, staff: Staff) -> None:
        """A file the applicant withdrew: left out of every figure."""
        procedure, days = self.rng.choice(self.procedures[level_key(level)])
        day = self.rng.choice(self.working[self.rng.choice(MONTHS)])
        received = self._time(day, (7, 15), (11, 0))
        self.demo.cases.append(
            {
                "case_code": self._code(agency, received),
                "procedure_code": procedure,
                "agency_code": agency,
                "received_at": received,
                "due_at": None,
                "finished_at": received + dt.timedelta(hours=2),
                "status": self.rng.choice(list(CaseStatus)),
                "apology_sent": "",
                "officer_code": self.rng.choice(staff.specialists).code,
            }
        )


def _days(month: Month) -> list[dt.date]:
    return [month.start.date() + dt.timedelta(days=i) for i in range(month.last_day.day)]


def _september(calendar: WorkCalendar) -> list[dt.date]:
    return [d for d in _days(Month(2022, 9)) if calendar.is_working_day(d)]


def generate(
    agencies: list[tuple[str, str | None]],
    procedures: dict[str, list[tuple[str, int]]],
    calendar: WorkCalendar | None = None,
    scale: int = 1,
) -> Demo:
    """Build the whole demo: officers, case files, their steps and events (`scale` times the
    notice's files, for benchmarks of a bigger province)."""
    rng = random.Random(SEED)
    builder = Builder(rng, calendar or WorkCalendar(), procedures)
    levels = dict(agencies)
    planned = sorted(plan(agencies, scale).items())
    staffs: dict[str, Staff] = {}
    for code, (resolved, late, pending) in planned:
        level = levels[code]
        staff = staffs[code] = staff_for(rng, code, level, resolved)
        for officer in staff.desk + staff.specialists + staff.leaders:
            builder.demo.officers.append(
                {
                    "officer_code": officer.code,
                    "officer_name": officer.name,
                    "officer_title": officer.title,
                    "agency_code": code,
                }
            )
        mean_late = 6.0 if code == STNMT else 2.5
        apology_rate = 0.0 if code in NEVER_APOLOGISE else rng.uniform(0.7, 0.95)
        for month, (month_resolved, month_late) in zip(MONTHS, monthly(rng, code, resolved, late)):
            early = round((month_resolved - month_late) * rng.uniform(0.6, 0.8))
            outcomes = ["late"] * month_late + ["early"] * early + ["on_time"] * (month_resolved - month_late - early)
            for outcome in outcomes:
                builder.resolved_file(code, level, staff, month, outcome, rng.random() < apology_rate, mean_late)
        for _ in range(pending):
            builder.pending_file(code, level, staff)
        for _ in range(max(1, resolved // 400)):
            builder.withdrawn_file(code, level, staff)
    # After every other draw, so that the files above are the same with or without these.
    for code, (resolved, _late, _pending) in planned:
        builder.open_files(code, levels[code], staffs[code], resolved)
    return builder.demo


def procedure_pools(
    times: dict[str, tuple[float | None, str | None]], levels: dict[str, str | None]
) -> dict[str, list[tuple[str, int]]]:
    """Procedures with a time limit in working days, by the level that carries them out."""
    pools: dict[str, list[tuple[str, int]]] = {Level.TINH: [], Level.HUYEN: [], Level.XA: []}
    for code in sorted(times):
        value, unit = times[code]
        if unit != TimeUnit.WORKING_DAY or value is None or not 1 <= value <= 30 or value % 1:
            continue
        keys = levels.get(code) or ""
        if f"|{Level.TINH}|" in keys:
            pools[Level.TINH].append((code, int(value)))
        if f"|{Level.XA}|" in keys:
            # The demo's districts carry out the communes' procedures as well.
            pools[Level.XA].append((code, int(value)))
            pools[Level.HUYEN].append((code, int(value)))
    return pools
