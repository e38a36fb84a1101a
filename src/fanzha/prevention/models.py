"""Prevention tables: targets per grid, campaigns and activities, volunteers, groups, alerts, outbox.

Every row stores the node path of the grid (or the campaign's node) it belongs to, so every read
is a subtree range scan like the other capabilities'. Personal fields (contacts, group admins,
volunteers) are stored whole and leave the server masked.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.core.labels import LabelledEnum
from fanzha.core.timeutil import utcnow


class TargetKind(LabelledEnum):
    """What a grid's register lists. ``households`` carries the grid's household count."""

    HOUSEHOLDS = "households", "住户"
    SCHOOL = "school", "学校"
    SENIOR_UNIVERSITY = "senior_university", "老年大学"
    ELDERLY_COMMUNITY = "elderly_community", "老年社区/养老机构"
    MOTHERS_GROUP = "mothers_group", "宝妈群体"
    ENTERPRISE = "enterprise", "企业"
    MARKET = "market", "集贸市场"
    BANK_BRANCH = "bank_branch", "银行网点（宣防窗口）"
    OPERATOR_SHOP = "operator_shop", "运营商营业厅（宣防窗口）"
    LED_SCREEN = "led_screen", "LED 屏"


class ActivityKind(LabelledEnum):
    LECTURE = "lecture", "反诈讲座"
    SWEEP = "sweep", "扫街扫楼"
    MARKET_STALL = "market_stall", "集市摆摊"
    SCHOOL_LESSON = "school_lesson", "开学第一课"
    LIVESTREAM = "livestream", "直播宣传"
    LED_PLAYLIST = "led_playlist", "LED 屏轮播"
    GROUP_PUSH = "group_push", "群推送"
    HOME_VISIT = "home_visit", "入户走访"


class GroupKind(LabelledEnum):
    VILLAGE = "village", "村（居）民群"
    OWNERS = "owners", "业主群"
    PARENTS = "parents", "家长群"
    SCHOOL = "school", "学校群"
    ENTERPRISE = "enterprise", "企业群"
    OTHER = "other", "其他群"


class Channel(LabelledEnum):
    """How an alert reaches a group: its robot webhook, an SMS gateway, or e-mail."""

    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    SMS = "sms", "短信网关"
    EMAIL = "email", "电子邮件"


class AlertStatus(LabelledEnum):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class PushStatus(LabelledEnum):
    PENDING_APPROVAL = "pending_approval", "待审批"
    QUEUED = "queued", "已进入发送队列"
    REJECTED = "rejected", "已驳回"


class DeliveryStatus(LabelledEnum):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已送达"
    DEAD = "dead", "发送失败（死信）"


AUDIT_LABELS = {
    "prevention.targets.import": "导入宣防对象",
    "prevention.campaign.create": "创建宣防战役",
    "prevention.activity.log": "登记宣防活动",
    "prevention.photo.add": "上传活动照片",
    "prevention.team.create": "登记志愿者队伍",
    "prevention.member.add": "登记志愿者",
    "prevention.group.create": "登记反诈专群",
    "prevention.alert.create": "撰写预警提示",
    "prevention.alert.publish": "发布到反诈频道",
    "prevention.push.create": "申请群推送",
    "prevention.push.approve": "批准群推送",
    "prevention.push.reject": "驳回群推送",
    "prevention.delivery.retry": "重发死信",
}


class Target(Base):
    """One entry of a grid's register: a key place or group, with how many people it holds."""

    __tablename__ = "prevention_targets"
    __table_args__ = (
        UniqueConstraint("node_id", "kind", "name", name="uq_prevention_targets_node_kind_name"),
        Index("ix_prevention_targets_path_kind", "node_path", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type())
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    people: Mapped[int]
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))


class Campaign(Base):
    __tablename__ = "prevention_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")
    fraud_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The campaign belongs to the lowest node holding all its grids; its grids are listed.
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    grid_paths: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    owner: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignGrid(Base):
    """A grid a campaign covers (for the before/after comparison and per-grid listings)."""

    __tablename__ = "prevention_campaign_grids"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("prevention_campaigns.id"), primary_key=True)
    node_path: Mapped[str] = mapped_column(node_path_type(), primary_key=True)


class VolunteerTeam(Base):
    __tablename__ = "prevention_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Volunteer(Base):
    __tablename__ = "prevention_volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("prevention_teams.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    joined_on: Mapped[date]


class Activity(Base):
    __tablename__ = "prevention_activities"
    __table_args__ = (Index("ix_prevention_activities_path_held", "node_path", "held_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("prevention_campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type())
    unit_name: Mapped[str] = mapped_column(String(100))
    staff: Mapped[int]
    held_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    target_group: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("prevention_targets.id"), index=True)
    reached: Mapped[int]
    materials: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("prevention_teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class HouseholdVisit(Base):
    """A household of the grid a sweep reached (building/unit/door as the grid names it)."""

    __tablename__ = "prevention_household_visits"
    __table_args__ = (Index("ix_prevention_visits_path_household", "node_path", "household"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("prevention_activities.id"), index=True)
    node_path: Mapped[str] = mapped_column(node_path_type())
    household: Mapped[str] = mapped_column(String(60))
    visited_at: Mapped[datetime]


class ActivityVolunteer(Base):
    """A volunteer credited with an activity."""

    __tablename__ = "prevention_activity_volunteers"

    activity_id: Mapped[int] = mapped_column(ForeignKey("prevention_activities.id"), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("prevention_volunteers.id"), primary_key=True)


class Photo(Base):
    __tablename__ = "prevention_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("prevention_activities.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SocialGroup(Base):
    """An anti-fraud group (反诈专群) of a grid and where its robot or contact receives pushes."""

    __tablename__ = "prevention_groups"
    __table_args__ = (Index("ix_prevention_groups_path", "node_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction_nodes.id"))
    node_path: Mapped[str] = mapped_column(node_path_type())
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    platform: Mapped[str] = mapped_column(String(20))
    admin_name: Mapped[str | None] = mapped_column(String(100))
    admin_phone: Mapped[str | None] = mapped_column(String(30))
    members: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))
    # Robot webhook URL (wecom, dingtalk), phone number (sms) or e-mail address (email).
    address: Mapped[str] = mapped_column(String(500))
    # DingTalk robots with "加签" security sign each request with this secret.
    secret: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """A categorized alert: composed from local cases and a template, pushed and/or published."""

    __tablename__ = "prevention_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    title: Mapped[str] = mapped_column(String(200))
    fraud_type: Mapped[str] = mapped_column(String(40))
    target_group: Mapped[str | None] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=AlertStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class Push(Base):
    """One request to send an alert to groups; above the approval threshold it waits for a second officer."""

    __tablename__ = "prevention_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("prevention_alerts.id"), index=True)
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    request_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]


class Delivery(Base):
    """One alert to one group: the outbox row. Unique per (alert, group), so a send happens once."""

    __tablename__ = "prevention_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "group_id", name="uq_prevention_deliveries_alert_group"),
        Index("ix_prevention_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    push_id: Mapped[int] = mapped_column(ForeignKey("prevention_pushes.id"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("prevention_alerts.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("prevention_groups.id"), index=True)
    node_path: Mapped[str] = mapped_column(node_path_type(), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
