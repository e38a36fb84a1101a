from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from fanzha.core.inputs import Input
from fanzha.core.roles import Perm, Role


class LoginIn(Input):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class UserIn(Input):
    username: Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    display_name: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=8, max_length=200)]
    role: Role
    unit_id: int
    pii_access: bool | None = None


class UserPatch(Input):
    role: Role | None = None
    pii_access: bool | None = None
    on_duty: bool | None = None
    active: bool | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int
    pii_access: bool
    on_duty: bool
    active: bool


class MeOut(BaseModel):
    kind: str
    id: int
    name: str
    role: str
    permissions: list[str]
    scope_path: str
    unit_id: int | None
    csrf_token: str | None


class ApiKeyIn(Input):
    name: Annotated[str, Field(min_length=2, max_length=64)]
    unit_id: int
    scopes: Annotated[list[Perm], Field(min_length=1)]
    sources: list[Annotated[str, Field(pattern=r"^[a-z0-9_]{1,20}$")]] = Field(
        default_factory=list,
        max_length=20,
        description="接收预警的密钥可提交的来源（如 province）",
    )


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scopes: list[str]
    sources: list[str]
    unit_id: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    token: str = Field(description="只显示这一次，请妥善保存")
