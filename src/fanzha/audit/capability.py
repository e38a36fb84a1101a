"""What the audit trail contributes: verification API and CLI, labels for reveals."""

from fanzha.core.registry import Capability, CliEntry

CAPABILITY = Capability(
    name="audit",
    label="审计",
    models="fanzha.audit.models",
    api_routers=("fanzha.audit.routes:router",),
    cli=(CliEntry("audit", "fanzha.audit.cli:app", "审计日志"),),
    audit_labels="fanzha.audit.models:AUDIT_LABELS",
    permissions=("audit.read",),
)
