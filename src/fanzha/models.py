"""Every capability's tables, imported in one place for Alembic and the test set-up."""

from importlib import import_module

from fanzha.capabilities import CAPABILITIES
from fanzha.core.db import Base

for _capability in CAPABILITIES:
    if _capability.models:
        import_module(_capability.models)

__all__ = ["Base"]
