"""Turning HTML form fields into the capabilities' Pydantic inputs, with Chinese field errors."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from fanzha.core.config import get_settings
from fanzha.core.errors import FanzhaError, NotFound, ValidationFailed, field_errors, field_summary

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def validated(model: type[M], **data: object) -> M:
    """Pydantic errors from a form become the same Chinese field errors the API gives."""
    try:
        return model(**data)
    except ValidationError as exc:
        fields = field_errors(exc.errors())
        raise ValidationFailed(field_summary(fields), fields) from exc


def blank_to_none(value: str | None) -> str | None:
    """An empty form field means 'not given'."""
    return value.strip() or None if value is not None else None


def decimal_field(name: str, value: str) -> Decimal:
    """An amount typed into a form (blank means 0), or a Chinese error naming the field."""
    try:
        return Decimal(value.strip().replace(",", "") or "0")
    except InvalidOperation as exc:
        raise ValidationFailed.on(name, "必须是数字") from exc


def local_datetime(name: str, value: str) -> datetime:
    """A datetime-local field, read in the centre's time zone, or a Chinese error naming the field."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=get_settings().tz)
    except ValueError as exc:
        raise ValidationFailed.on(name, "请选择日期和时间") from exc


def attempt(session: Session, step: Callable[[], T]) -> T | FanzhaError:
    """Run a form's change in a savepoint. A refusal comes back, so the page can show the form again
    with what was typed and the field at fault; a record out of reach still raises (404)."""
    try:
        with session.begin_nested():
            return step()
    except NotFound:
        raise
    except FanzhaError as err:
        return err
