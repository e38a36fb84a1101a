"""Each funds test gets its own transaction store in a temporary directory."""

from pathlib import Path

import pytest

from fanzha.funds.store import TransactionStore


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TransactionStore:
    monkeypatch.setenv("FANZHA_FUNDS_DATA_DIR", str(tmp_path))
    return TransactionStore()
