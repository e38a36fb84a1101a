"""What clues contribute: the clue workflow with deadlines and escalation, and case series (串并案)
over shared identifiers, for the crackdown side (docs/crackdown.md)."""

from fanzha.core.registry import Capability, CliEntry, DemoStep, JobSpec, MenuEntry, Tile

CAPABILITY = Capability(
    name="clues",
    label="线索与串并案",
    models="fanzha.clues.models",
    jobs=(
        JobSpec("clues-escalation", 60, "fanzha.clues.tick:tick", interval_setting="clues_tick_s"),
        JobSpec("series-index", 60, "fanzha.clues.service:index_job", interval_setting="series_index_s"),
    ),
    api_routers=("fanzha.clues.routes:router",),
    web_routers=("fanzha.clues.pages.clues:router", "fanzha.clues.pages.series:router"),
    menu=(
        MenuEntry("clues.read", "/clues", "线索核查"),
        MenuEntry("clues.read", "/series", "串并案"),
    ),
    tiles=(
        Tile("clues.read", "/clues", "线索核查", "研判、落地核查、核查结果，按时限排序"),
        Tile("clues.read", "/series", "串并案", "共同标识串起的案件、关系图、建立打击目标包"),
    ),
    cli=(
        CliEntry("clues", "fanzha.clues.cli:clues_app", "线索：列表、超时升级"),
        CliEntry("series", "fanzha.clues.cli:series_app", "串并案：增量索引、全量重算（duckdb|spark）"),
    ),
    demo=(DemoStep("线索与串并案（团伙标识跨数十起案件）", "fanzha.clues.demo:build"),),
    audit_labels="fanzha.clues.models:AUDIT_LABELS",
    permissions=("clues.read", "clues.work", "clues.intake"),
)
