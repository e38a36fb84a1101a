"""Reading the audit trail and checking its chain."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from fanzha.accounts.deps import DbSession, requires
from fanzha.audit import service
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(requires(Perm.AUDIT_READ))]


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None


class ChainOut(BaseModel):
    ok: bool
    checked: int
    broken_at: int | None
    reason: str | None


@router.get("", response_model=list[AuditOut], summary="某对象的审计记录（限本辖区）")
def entries(object_type: str, object_id: str, session: DbSession, actor: Auditor) -> list[AuditOut]:
    return [
        AuditOut.model_validate({**e.__dict__, "at": e.at.isoformat()})
        for e in service.entries_for(session, actor, object_type, object_id)
    ]


@router.get("/verify", response_model=ChainOut, summary="校验审计哈希链")
def verify(session: DbSession, _: Auditor) -> ChainOut:
    report = service.verify_chain(session)
    return ChainOut(ok=report.ok, checked=report.checked, broken_at=report.broken_at, reason=report.reason)
