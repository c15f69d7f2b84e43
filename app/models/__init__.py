"""Database models; the schema itself changes only through Alembic migrations."""

from app.models.admin import Account, AuditEntry, Job
from app.models.agency import Agency
from app.models.base import Base, by_code
from app.models.feedback import Feedback, FeedbackEvent, OutboxMail, Rating, Subscription
from app.models.late import (
    AgencyMonth,
    Case,
    CaseEvent,
    HolidayOverride,
    LateFile,
    LateFileOfficer,
    MonthRevision,
    Officer,
    OfficerMonth,
    PublishedMonth,
    Step,
)
from app.models.procedure import (
    Channel,
    Decision,
    DecisionItem,
    Document,
    Fee,
    Field,
    LegalBasis,
    Procedure,
    ProcedureAgency,
    ProcedureSource,
)
from app.models.version import DataVersion

__all__ = [
    "by_code",
    "Account",
    "AuditEntry",
    "Agency",
    "AgencyMonth",
    "Base",
    "Case",
    "CaseEvent",
    "Channel",
    "DataVersion",
    "Decision",
    "DecisionItem",
    "Document",
    "Fee",
    "Feedback",
    "FeedbackEvent",
    "Field",
    "HolidayOverride",
    "Job",
    "LateFile",
    "LateFileOfficer",
    "LegalBasis",
    "MonthRevision",
    "Officer",
    "OutboxMail",
    "OfficerMonth",
    "Procedure",
    "ProcedureAgency",
    "ProcedureSource",
    "PublishedMonth",
    "Rating",
    "Step",
    "Subscription",
]
