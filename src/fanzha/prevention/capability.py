"""What targeted prevention contributes: registers, aiming, campaigns, groups and pushes, coverage."""

from fanzha.core.registry import Capability, CliEntry, JobSpec, MenuEntry

CAPABILITY = Capability(
    name="prevention",
    label="精准宣防",
    models="fanzha.prevention.models",
    api_routers=("fanzha.prevention.routes:router",),
    web_routers=("fanzha.prevention.pages:router",),
    menu=(MenuEntry(None, "/channel", "反诈频道"),),
    jobs=(JobSpec("prevention-outbox", 10, "fanzha.prevention.outbox:job", "prevention_outbox_tick_s"),),
    cli=(
        CliEntry(
            "prevention", "fanzha.prevention.cli:app", "精准宣防：导入宣防对象、精准滴灌研判、群推送发送"
        ),
    ),
    audit_labels="fanzha.prevention.models:AUDIT_LABELS",
    permissions=("prevention.write", "prevention.log"),
)
