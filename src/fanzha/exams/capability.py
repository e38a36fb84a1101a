"""What the anti-fraud exam contributes: the question bank and exam API, public exam pages,
the officers' console pages, the CLI and the demo's university exam."""

from fanzha.core.registry import Capability, CliEntry, DemoStep, MenuEntry, Tile

CAPABILITY = Capability(
    name="exams",
    label="反诈考试",
    models="fanzha.exams.models",
    api_routers=("fanzha.exams.routes:router", "fanzha.exams.routes:public_router"),
    web_routers=("fanzha.exams.pages.public:router", "fanzha.exams.pages.console:router"),
    menu=(MenuEntry("stats.read", "/exams", "反诈考试"), MenuEntry(None, "/exam", "反诈考试")),
    tiles=(Tile("prevention.write", "/exams", "反诈考试", "题库、组卷、参考率与易错题"),),
    cli=(CliEntry("exams", "fanzha.exams.cli:app", "反诈考试：题库导入导出、考试结果导出"),),
    demo=(DemoStep("反诈考试：题库与高校考试", "fanzha.exams.demo:build"),),
    audit_labels="fanzha.exams.models:AUDIT_LABELS",
    permissions=("prevention.write", "stats.read"),
)
