"""The registry: every capability of this install, one line each.

``app.py``, ``cli.py``, the demo builder, the console menu and Alembic read this list; adding
a capability is one package with a ``capability.py`` and one line here. The order is the order
of menu entries, home tiles and demo steps (later demo steps use earlier data).
"""

from fanzha.accounts.capability import CAPABILITY as ACCOUNTS
from fanzha.audit.capability import CAPABILITY as AUDIT
from fanzha.bulletins.capability import CAPABILITY as BULLETINS
from fanzha.cases.capability import CAPABILITY as CASES
from fanzha.clues.capability import CAPABILITY as CLUES
from fanzha.core.registry import Capability
from fanzha.detect.capability import CAPABILITY as DETECT
from fanzha.exams.capability import CAPABILITY as EXAMS
from fanzha.funds.capability import CAPABILITY as FUNDS
from fanzha.jurisdiction.capability import CAPABILITY as JURISDICTION
from fanzha.operations.capability import CAPABILITY as OPERATIONS
from fanzha.prevention.capability import CAPABILITY as PREVENTION
from fanzha.verification.capability import CAPABILITY as VERIFICATION
from fanzha.warnings.capability import CAPABILITY as WARNINGS
from fanzha.web.capability import CAPABILITY as WEB

CAPABILITIES: tuple[Capability, ...] = (
    DETECT,
    WARNINGS,
    VERIFICATION,
    CASES,
    FUNDS,
    CLUES,
    OPERATIONS,
    BULLETINS,
    PREVENTION,
    EXAMS,
    JURISDICTION,
    ACCOUNTS,
    AUDIT,
    WEB,
)
