"""``POST /api/v1/detect``: batch classification for machine clients and the console."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from fanzha.accounts.deps import DbSession, requires
from fanzha.core.inputs import Input
from fanzha.core.principal import Principal
from fanzha.core.roles import Perm
from fanzha.detect.registers import Register
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
    # "register" is the name on the wire; as an attribute it would shadow ABCMeta.register.
    text_register: Annotated[
        Register | None,
        Field(
            alias="register",
            description="这批文本的文体（运营商短信 sms、社交平台帖子 social、聊天 chat、通话 call、"
            "案情或报警记录 report）；不给则逐条自动推断。各文体有各自的判定阈值",
        ),
    ] = None


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
    text_register: str | None = Field(alias="register", description="判定所用的文体")
    register_inferred: bool = Field(description="文体是否由模型推断（调用方未给出）")


@router.post("", response_model=list[VerdictOut], summary="批量识别诈骗文本（不保存文本）")
def detect(data: DetectIn, session: DbSession, caller: Caller) -> list[VerdictOut]:
    verdicts = classify_for(session, caller.actor, data.texts, register=data.text_register)
    return [VerdictOut.model_validate(v.as_dict()) for v in verdicts]
