"""Who is asking: a person or a machine client, with permissions and a jurisdiction scope."""

from dataclasses import dataclass

from fanzha.core.errors import Forbidden
from fanzha.core.roles import Perm


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "client" | "system"
    id: int
    name: str
    role: str
    permissions: frozenset[str]
    scope_path: str
    unit_id: int | None
    bank_code: str | None = None
    csrf_token: str | None = None
    # The warning sources a feed's API key may send as (see warnings.intake); empty for people.
    sources: frozenset[str] = frozenset()

    @property
    def actor(self) -> str:
        """How this principal is named in the audit trail."""
        return f"{self.kind}:{self.id}:{self.name}"

    def can(self, perm: Perm | str) -> bool:
        return str(perm) in self.permissions

    def require(self, perm: Perm | str) -> None:
        if not self.can(perm):
            raise Forbidden()

    def sees(self, path: str) -> bool:
        return path.startswith(self.scope_path)


def system_principal(scope_path: str = "/", name: str = "system") -> Principal:
    """For the CLI and the scheduler, which act for the whole tree."""
    return Principal("system", 0, name, "system", frozenset(Perm), scope_path, None)
