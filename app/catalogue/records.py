"""One procedure with every part, the API's shapes of a procedure, and the publication decisions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.catalogue.codes import AgencyRole, ChannelMethod
from app.models import Channel, Procedure, ProcedureAgency


def get_procedure(session: Session, code: str) -> Procedure | None:
    """Load one procedure with every part."""
    return session.scalar(
        select(Procedure)
        .where(Procedure.code == code)
        .options(
            selectinload(Procedure.channels).selectinload(Channel.fees),
            selectinload(Procedure.documents),
            selectinload(Procedure.legal_bases),
            joinedload(Procedure.field),
            joinedload(Procedure.decision),
            selectinload(Procedure.agency_links).joinedload(ProcedureAgency.agency),
        )
    )


def procedure_summary(procedure: Procedure, url: str) -> dict:
    """The API's list item for a procedure."""
    executing = (procedure.agency_names or {}).get(AgencyRole.EXECUTING) or []
    return {
        "code": procedure.code,
        "name": procedure.name,
        "agency": executing[0] if executing else procedure.issuing_agency,
        "field": procedure.field.name if procedure.field else None,
        "level": procedure.level,
        "url": url,
    }


def procedure_detail(procedure: Procedure) -> dict:
    """The API's whole procedure (SPEC §5); null where the sources lack the part."""
    decision = procedure.decision
    names = procedure.agency_names or {}
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.name if procedure.field else None,
        "level": procedure.level,
        "procedure_type": procedure.procedure_type,
        "subjects": procedure.subjects,
        "agencies": {
            **{role.value: names.get(role) or [] for role in AgencyRole},
            "issuing": procedure.issuing_agency,
            "linked": [
                {"code": link.agency.code, "name": link.agency.name, "role": link.role}
                for link in procedure.agency_links
            ],
        },
        "receiving_address": procedure.receiving_address,
        "steps": procedure.steps,
        "channels": [
            # `method` is the Vietnamese text consumers have read since the first release.
            {
                "method": ChannelMethod.text_of(c.method, c.method_text),
                "method_code": c.method,
                "processing_time": None
                if c.processing_value is None
                else {"value": _plain(c.processing_value), "unit": c.processing_unit},
                "fees": [{"amount_vnd": f.amount_vnd, "text": f.text} for f in c.fees],
                "description": c.description,
            }
            for c in procedure.channels
        ]
        or None,
        "documents": [
            {
                "name": d.name,
                "form": d.form,
                "original_qty": d.original_qty,
                "copy_qty": d.copy_qty,
                "group": d.group_name,
            }
            for d in procedure.documents
        ]
        or None,
        "conditions": procedure.conditions,
        "result": procedure.results,
        "legal_basis": [{"number": b.number, "title": b.title} for b in procedure.legal_bases] or None,
        "decision": None
        if decision is None
        else {
            "id": decision.id,
            "number": decision.number,
            "date": decision.date.isoformat() if decision.date else None,
            "issuer": decision.issuer,
        },
        "status": procedure.status,
        "online_level": procedure.online_level,
        "postal": procedure.postal,
        "source_url": procedure.source_url,
    }


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
