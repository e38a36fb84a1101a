"""Case inputs for tests: a valid case at a given node, overridable field by field."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fanzha.cases.schemas import CaseIn

WHEN = datetime(2026, 11, 10, 2, 30, tzinfo=UTC)


def case_in(node_code: str = "369901001001", **overrides: Any) -> CaseIn:
    data: dict[str, Any] = {
        "occurred_at": WHEN,
        "node_code": node_code,
        "fraud_type": "rebate_task",
        "tags": ["screen_sharing"],
        "loss_amount": Decimal("12345.67"),
        "victim_name": "王小明",
        "victim_phone": "13812345678",
        "victim_id_number": "369901199001011234",
        "victim_age": 34,
        "victim_group": "worker",
        "suspect_identifiers": [
            {"kind": "phone", "value": "+86 139 0000 1111"},
            {"kind": "bank_account", "value": "6222 0200 0000 1234 567"},
        ],
        "summary": "刷单返利，先小额返现后要求大额垫付",
    }
    data.update(overrides)
    return CaseIn.model_validate(data)
