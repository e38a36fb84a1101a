import pytest
from sqlalchemy.orm import Session

from tests.bulletins.history import build_history
from tests.factories import World


@pytest.fixture
def history(session: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The test world with the known history of tests/bulletins/history.py."""
    build_history(session, world, monkeypatch)
    return world
