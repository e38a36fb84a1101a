"""What clues contribute: the clue workflow with deadlines and escalation, and case series (串并案)
over shared identifiers, for the crackdown side (docs/crackdown.md)."""

from fanzha.core.registry import Capability, JobSpec

CAPABILITY = Capability(
    name="clues",
    label="线索与串并案",
    models="fanzha.clues.models",
    jobs=(
        JobSpec("clues-escalation", 60, "fanzha.clues.tick:tick", interval_setting="clues_tick_s"),
        JobSpec(
            "series-index", 60, "fanzha.clues.service:index_new_cases", interval_setting="series_index_s"
        ),
    ),
    audit_labels="fanzha.clues.models:AUDIT_LABELS",
    permissions=("clues.read", "clues.work", "clues.intake"),
)
