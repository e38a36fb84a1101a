"""Personal data is masked by default; full reads need the permission and are audited."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.audit.pii import PiiKind, present
from fanzha.core.errors import Forbidden
from fanzha.core.masking import mask_card, mask_id_number, mask_phone
from tests.factories import World

VALUES = {
    "phone": (PiiKind.PHONE, "13812345678"),
    "id_number": (PiiKind.ID_NUMBER, "360102199001011234"),
    "address": (PiiKind.ADDRESS, "红谷区会展路188号3栋2单元501"),
}


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]


@given(st.from_regex(r"\d{17}[\dX]", fullmatch=True))
def test_masked_id_keeps_only_ends(id_number: str) -> None:
    masked = mask_id_number(id_number)
    assert masked is not None and masked[4:-4] == "*" * 10


def test_card_is_masked() -> None:
    assert mask_card("6222 0212 3456 7890 123") == "6222 **** **** 0123"


def test_masked_by_default_even_for_permitted(session: Session, world: World) -> None:
    shown = present(
        session, world.principals["dissuader"], "warning", 1, VALUES, reveal=False, node_path=None
    )
    assert shown["phone"] == "138****5678"
    assert "188" not in (shown["address"] or "")


def test_reveal_is_refused_without_permission(session: Session, world: World) -> None:
    with pytest.raises(Forbidden):
        present(session, world.principals["grid_a1"], "warning", 1, VALUES, reveal=True, node_path="/369900/")
    with pytest.raises(Forbidden):
        present(session, world.principals["stats"], "warning", 1, VALUES, reveal=True, node_path="/369900/")


def test_reveal_is_audited(session: Session, world: World) -> None:
    shown = present(
        session, world.principals["dissuader"], "warning", 42, VALUES, reveal=True, node_path="/369900/"
    )
    assert shown["phone"] == "13812345678"
    entries = audit.entries_for(session, world.principals["commander"], "warning", "42")
    assert [e.action for e in entries] == ["pii.reveal"]
    assert entries[0].actor.endswith(":dissuader")
    assert entries[0].after == {"fields": ["address", "id_number", "phone"]}
