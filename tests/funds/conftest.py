"""Each funds test gets its own transaction store in a temporary directory."""

from pathlib import Path

import pytest

from fanzha.core.config import get_settings
from fanzha.funds.store import TransactionStore


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TransactionStore:
    monkeypatch.setattr(get_settings(), "funds_data_dir", tmp_path)
    return TransactionStore()
