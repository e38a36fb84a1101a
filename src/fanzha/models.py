"""Every capability's tables, imported in one place for Alembic and the test set-up."""

from fanzha.accounts import models as accounts_models
from fanzha.audit import models as audit_models
from fanzha.bulletins import models as bulletins_models
from fanzha.cases import models as cases_models
from fanzha.core.db import Base
from fanzha.funds import models as funds_models
from fanzha.jurisdiction import models as jurisdiction_models
from fanzha.warnings import models as warnings_models
from fanzha.web import models as web_models

__all__ = [
    "Base",
    "accounts_models",
    "audit_models",
    "bulletins_models",
    "cases_models",
    "funds_models",
    "jurisdiction_models",
    "warnings_models",
    "web_models",
]
