from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from fanzha.core.inputs import Input
from fanzha.core.roles import Perm, Role


class LoginIn(Input):
    username: Annotated[str, Field(min_length=1, max_length=64, description="登录名")]
    password: Annotated[str, Field(min_length=1, max_length=200, description="密码")]


class UserIn(Input):
    username: Annotated[
        str,
        Field(
            min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="登录名：字母、数字、._-"
        ),
    ]
    display_name: Annotated[str, Field(min_length=1, max_length=64, description="姓名，页面和时间线上显示")]
    password: Annotated[str, Field(min_length=8, max_length=200, description="初始密码，至少 8 位")]
    role: Role = Field(description="角色，决定权限（见 domain 文档）")
    unit_id: int = Field(description="所属单位编号；辖区范围随单位")
    pii_access: bool | None = Field(default=None, description="可否查看完整个人信息；不填则按角色默认")


class UserPatch(Input):
    """Only the fields given change."""

    role: Role | None = Field(default=None, description="新角色")
    pii_access: bool | None = Field(default=None, description="可否查看完整个人信息")
    on_duty: bool | None = Field(default=None, description="是否在岗（在岗人员可被自动分派预警）")
    active: bool | None = Field(default=None, description="是否启用；停用后不能登录")


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
    name: Annotated[str, Field(min_length=2, max_length=64, description="密钥名称，如 省厅预警推送")]
    unit_id: int = Field(description="密钥所属单位编号；调用方的数据范围随单位")
    scopes: Annotated[list[Perm], Field(min_length=1, description="授予的权限，如 warnings.intake")]
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
