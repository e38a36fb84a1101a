from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fanzha.core.inputs import Input
from fanzha.jurisdiction.models import Level, UnitKind

_LEVEL_NAMES = {
    "city": Level.CITY,
    "市": Level.CITY,
    "district": Level.DISTRICT,
    "区县": Level.DISTRICT,
    "区": Level.DISTRICT,
    "县": Level.DISTRICT,
    "station": Level.STATION,
    "派出所": Level.STATION,
    "镇街": Level.STATION,
    "grid": Level.GRID,
    "社区": Level.GRID,
    "村": Level.GRID,
    "警格": Level.GRID,
}


def parse_level(value: object) -> Level:
    """Accepts 1–4, the English names or the Chinese names used in bulletins."""
    text = str(value).strip().lower()
    if text.isdigit() and int(text) in {1, 2, 3, 4}:
        return Level(int(text))
    if text in _LEVEL_NAMES:
        return _LEVEL_NAMES[text]
    raise ValueError("层级必须是 1–4 或 city/district/station/grid（市/区县/派出所/社区）")


class NodeIn(Input):
    code: Annotated[str, Field(min_length=6, max_length=20, description="行政区划式编码")]
    name: Annotated[str, Field(min_length=1, max_length=100, description="辖区名称，如 阳光街道")]
    level: Level = Field(description="层级：1–4 或 city/district/station/grid（市/区县/派出所/社区）")
    parent_code: str | None = Field(default=None, description="上级节点编码（市级节点留空）")
    population: Annotated[int | None, Field(ge=0, description="常住人口（可选）")] = None

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: object) -> Level:
        return parse_level(v)

    @field_validator("code")
    @classmethod
    def _digits(cls, v: str) -> str:
        if not v.isdigit():
            raise ValueError("编码只能包含数字")
        return v

    @field_validator("parent_code", mode="before")
    @classmethod
    def _blank_parent(cls, v: object) -> object:
        return None if v in ("", None) else v


class NodeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    level: int
    path: str
    population: int | None
    parent_id: int | None


class UnitIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=100, description="单位名称，如 阳光派出所")]
    kind: UnitKind = Field(description="单位类型，如 station 派出所、bank 银行网点")
    node_code: str = Field(description="单位负责的辖区节点编码")
    bank_code: Annotated[str | None, Field(max_length=20, description="银行网点填写银行代码，如 ICBC")] = None


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    node_id: int
    bank_code: str | None
