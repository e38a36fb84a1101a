"""Roles from the centre's staffing (domain.md) and the permissions each one holds."""

from enum import StrEnum

from fanzha.core.labels import LabelledEnum


class Role(LabelledEnum):
    COMMANDER = "commander", "指挥长/管理员"
    WARNING_ANALYST = "warning_analyst", "预警研判员"
    DISSUADER = "dissuader", "专职劝阻员"
    COMMUNITY_POLICE = "community_police", "社区民警"
    GRID_WORKER = "grid_worker", "网格员"
    BANK_LIAISON = "bank_liaison", "银行驻点人员"
    TELECOM_LIAISON = "telecom_liaison", "运营商驻点人员"
    ANALYST = "analyst", "统计分析员"
    PREVENTION_OFFICER = "prevention_officer", "宣传民警"


class Perm(StrEnum):
    WARNINGS_READ = "warnings.read"
    WARNINGS_INTAKE = "warnings.intake"
    WARNINGS_WORK = "warnings.work"
    WARNINGS_ROUTE = "warnings.route"
    WARNINGS_FEEDBACK = "warnings.feedback"
    CASES_READ = "cases.read"
    CASES_WRITE = "cases.write"
    FUNDS_REQUEST = "funds.request"
    FUNDS_APPROVE = "funds.approve"
    FUNDS_BANK = "funds.bank"
    FUNDS_CHECK = "funds.check"
    DETECT_USE = "detect.use"
    DETECT_REVIEW = "detect.review"
    STATS_READ = "stats.read"
    # Clues and series (串并案): read them, work them, send them from an upstream system.
    CLUES_READ = "clues.read"
    CLUES_WORK = "clues.work"
    CLUES_INTAKE = "clues.intake"
    PREVENTION_WRITE = "prevention.write"
    # Read prevention registers and log activities (grid workers, community police).
    PREVENTION_LOG = "prevention.log"
    # Crackdown operations: read target packages and operations; plan and confirm results;
    # report a target's live status on the day (field teams).
    OPERATIONS_READ = "operations.read"
    OPERATIONS_WRITE = "operations.write"
    OPERATIONS_FIELD = "operations.field"
    ADMIN_TREE = "admin.tree"
    ADMIN_USERS = "admin.users"
    ADMIN_KEYS = "admin.keys"
    ADMIN_SETTINGS = "admin.settings"
    AUDIT_READ = "audit.read"
    PII_REVEAL = "pii.reveal"


_P = Perm
ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.COMMANDER: frozenset(
        set(Perm)
        - {
            _P.FUNDS_BANK,
            _P.WARNINGS_INTAKE,
            _P.WARNINGS_FEEDBACK,
            _P.FUNDS_CHECK,
            _P.PII_REVEAL,
            _P.CLUES_INTAKE,
        }
    ),
    Role.WARNING_ANALYST: frozenset(
        {
            _P.DETECT_REVIEW,
            _P.OPERATIONS_READ,
            _P.OPERATIONS_WRITE,
            _P.OPERATIONS_FIELD,
            _P.WARNINGS_READ,
            _P.WARNINGS_ROUTE,
            _P.WARNINGS_WORK,
            _P.CASES_READ,
            _P.CASES_WRITE,
            _P.DETECT_USE,
            _P.STATS_READ,
            _P.CLUES_READ,
            _P.CLUES_WORK,
        }
    ),
    Role.DISSUADER: frozenset(
        {_P.WARNINGS_READ, _P.WARNINGS_WORK, _P.CASES_READ, _P.CASES_WRITE, _P.DETECT_USE}
    ),
    Role.COMMUNITY_POLICE: frozenset(
        {
            _P.WARNINGS_READ,
            _P.WARNINGS_WORK,
            _P.CASES_READ,
            _P.CASES_WRITE,
            _P.FUNDS_REQUEST,
            _P.FUNDS_APPROVE,
            _P.DETECT_USE,
            _P.STATS_READ,
            _P.PREVENTION_LOG,
            _P.OPERATIONS_READ,
            _P.OPERATIONS_FIELD,
            _P.CLUES_READ,
            _P.CLUES_WORK,
        }
    ),
    Role.GRID_WORKER: frozenset({_P.WARNINGS_READ, _P.WARNINGS_WORK, _P.DETECT_USE, _P.PREVENTION_LOG}),
    Role.BANK_LIAISON: frozenset({_P.FUNDS_BANK, _P.DETECT_USE}),
    Role.TELECOM_LIAISON: frozenset({_P.DETECT_USE, _P.STATS_READ}),
    Role.ANALYST: frozenset(
        {_P.STATS_READ, _P.WARNINGS_READ, _P.CASES_READ, _P.DETECT_USE, _P.OPERATIONS_READ, _P.CLUES_READ}
    ),
    Role.PREVENTION_OFFICER: frozenset(
        {_P.STATS_READ, _P.CASES_READ, _P.PREVENTION_WRITE, _P.PREVENTION_LOG, _P.DETECT_USE}
    ),
}

# Full personal data is a separate, per-user grant; these roles get it by default because
# they must phone or visit the person. Every full read is audited regardless.
PII_BY_DEFAULT = frozenset({Role.COMMANDER, Role.WARNING_ANALYST, Role.DISSUADER, Role.COMMUNITY_POLICE})

# What a machine client's API key may be scoped to, with the label the key form shows: a scope
# cannot be added without the words an administrator reads when granting it.
CLIENT_SCOPE_LABELS: dict[Perm, str] = {
    _P.WARNINGS_INTAKE: "推送预警指令",
    _P.WARNINGS_FEEDBACK: "接收处置反馈",
    _P.DETECT_USE: "调用研判接口",
    _P.FUNDS_BANK: "银行止付冻结回执",
    _P.FUNDS_CHECK: "账户风险查询",
    _P.CLUES_INTAKE: "推送涉诈线索",
}
CLIENT_SCOPES = frozenset(CLIENT_SCOPE_LABELS)
