"""Database models; the schema itself changes only through Alembic migrations."""
from app.models.base import Base
from app.models.agency import Agency
from app.models.procedure import (
    Channel, Decision, DecisionItem, Document, Fee, Field, LegalBasis, Procedure,
    ProcedureAgency, ProcedureSource,
)

__all__ = [
    "Agency", "Base", "Channel", "Decision", "DecisionItem", "Document", "Fee", "Field",
    "LegalBasis", "Procedure", "ProcedureAgency", "ProcedureSource",
]
