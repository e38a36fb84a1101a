"""API bodies of verification: a code to check, a number to look up, a register entry."""

from typing import Literal

from pydantic import BaseModel, Field

from fanzha.core.inputs import Input


class VerifyIn(Input):
    code: str = Field(min_length=1, max_length=20, description="民警联系时告知的 6 位核验码")


class AnswerOut(BaseModel):
    """The same shape for a right, a wrong and an expired code."""

    found: bool
    message: str
    advice: str


class NumberIn(Input):
    number: str = Field(min_length=3, max_length=40, description="号码，如 95588 或短信发送方代码 106xxxx")
    kind: Literal["phone", "sms_sender"] = Field(
        default="phone", description="phone 电话号码或 sms_sender 短信发送方代码"
    )
    owner: str = Field(min_length=2, max_length=100, description="号码所属单位，如 工商银行客服")
    node_code: str = Field(
        min_length=1, max_length=20, description="登记该号码的辖区节点编码（须在本人辖区内）"
    )
    note: str = Field(default="", max_length=200, description="备注（可选）")


class NumberOut(BaseModel):
    id: int
    number: str
    kind: str
    owner: str
    note: str


class NumberAnswerOut(BaseModel):
    official: bool
    number: str
    message: str
