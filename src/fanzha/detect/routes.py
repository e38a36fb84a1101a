"""``POST /api/v1/detect``: batch classification for machine clients and the console."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.inputs import Input
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.detect.service import classify_for

router = APIRouter(prefix="/detect", tags=["detect"])
Caller = Annotated[Principal, Depends(requires(Perm.DETECT_USE))]


class DetectIn(Input):
    texts: Annotated[
        list[Annotated[str, Field(max_length=10_000)]],
        Field(
            min_length=1,
            max_length=1000,
            description="要研判的短信、聊天记录或通话内容，每条一项（最多 1000 条）",
        ),
    ]


class ReasonOut(BaseModel):
    kind: str
    text: str
    evidence: str
    span: tuple[int, int]
    raises_risk: bool


class VerdictOut(BaseModel):
    is_fraud: bool
    risk: float
    fraud_type: str | None
    tags: list[str]
    reasons: list[ReasonOut]


@router.post("", response_model=list[VerdictOut], summary="批量识别诈骗文本（不保存文本）")
def detect(data: DetectIn, session: DbSession, caller: Caller) -> list[VerdictOut]:
    verdicts = classify_for(session, caller.actor, data.texts)
    return [VerdictOut.model_validate(v.as_dict()) for v in verdicts]
