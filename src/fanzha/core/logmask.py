"""Personal numbers never reach a log: every record's message and arguments are masked as the
record is made, whichever library logs it (uvicorn's access log carries the query string)."""

import logging
from typing import Any

from fanzha.core.masking import mask_in_text

_made_by = logging.getLogRecordFactory()


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_in_text(value)
    if isinstance(value, tuple):
        return tuple(_masked(v) for v in value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """A LogRecord factory; arguments stay separate, as uvicorn's access formatter unpacks them."""
    record = _made_by(*args, **kwargs)
    record.msg = _masked(record.msg)
    if record.args:
        record.args = _masked(record.args)
    return record


def install_log_masking() -> None:
    logging.setLogRecordFactory(masked_record)
