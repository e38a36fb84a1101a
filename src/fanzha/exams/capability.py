"""What the anti-fraud exam contributes: the question bank and exam API, public exam pages,
the officers' console pages, the CLI and the demo's university exam."""

from fanzha.core.registry import Capability

CAPABILITY = Capability(
    name="exams",
    label="反诈考试",
    models="fanzha.exams.models",
    audit_labels="fanzha.exams.models:AUDIT_LABELS",
    permissions=("prevention.write", "stats.read"),
)
