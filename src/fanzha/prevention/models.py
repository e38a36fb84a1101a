"""Prevention tables: targets per grid, campaigns and activities, volunteers, groups, alerts, outbox.

Every row stores the node path of the grid (or the campaign's node) it belongs to, so every read
is a subtree range scan like the other capabilities'. Personal fields (contacts, group admins,
volunteers) are stored whole and leave the server masked.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fanzha.core.db import Base, node_path_type
from fanzha.core.timeutil import utcnow


class TargetKind(StrEnum):
    """What a grid's register lists. ``households`` carries the grid's household count."""

    HOUSEHOLDS = "households"
    SCHOOL = "school"
    SENIOR_UNIVERSITY = "senior_university"
    ELDERLY_COMMUNITY = "elderly_community"
    MOTHERS_GROUP = "mothers_group"
    ENTERPRISE = "enterprise"
    MARKET = "market"
    BANK_BRANCH = "bank_branch"
    OPERATOR_SHOP = "operator_shop"
    LED_SCREEN = "led_screen"

    @property
    def label(self) -> str:
        return TARGET_LABELS[self]


TARGET_LABELS = {
    TargetKind.HOUSEHOLDS: "住户",
    TargetKind.SCHOOL: "学校",
    TargetKind.SENIOR_UNIVERSITY: "老年大学",
    TargetKind.ELDERLY_COMMUNITY: "老年社区/养老机构",
    TargetKind.MOTHERS_GROUP: "宝妈群体",
    TargetKind.ENTERPRISE: "企业",
    TargetKind.MARKET: "集贸市场",
    TargetKind.BANK_BRANCH: "银行网点（宣防窗口）",
    TargetKind.OPERATOR_SHOP: "运营商营业厅（宣防窗口）",
    TargetKind.LED_SCREEN: "LED 屏",
}


class ActivityKind(StrEnum):
    LECTURE = "lecture"
    SWEEP = "sweep"
    MARKET_STALL = "market_stall"
    SCHOOL_LESSON = "school_lesson"
    LIVESTREAM = "livestream"
    LED_PLAYLIST = "led_playlist"
    GROUP_PUSH = "group_push"
    HOME_VISIT = "home_visit"

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    ActivityKind.LECTURE: "反诈讲座",
    ActivityKind.SWEEP: "扫街扫楼",
    ActivityKind.MARKET_STALL: "集市摆摊",
    ActivityKind.SCHOOL_LESSON: "开学第一课",
    ActivityKind.LIVESTREAM: "直播宣传",
    ActivityKind.LED_PLAYLIST: "LED 屏轮播",
    ActivityKind.GROUP_PUSH: "群推送",
    ActivityKind.HOME_VISIT: "入户走访",
}


class GroupKind(StrEnum):
    VILLAGE = "village"
    OWNERS = "owners"
    PARENTS = "parents"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"village": "村（居）民群", "owners": "业主群", "parents": "家长群", "school": "学校群",
                "enterprise": "企业群", "other": "其他群"}[self.value]  # fmt: skip


class Channel(StrEnum):
    """How an alert reaches a group: its robot webhook, an SMS gateway, or e-mail."""

    WECOM = "wecom"
    DINGTALK = "dingtalk"
    SMS = "sms"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人", "sms": "短信网关",
                "email": "电子邮件"}[self.value]  # fmt: skip


class AlertStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "published": "已发布"}[self.value]


class PushStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    QUEUED = "queued"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending_approval": "待审批", "queued": "已进入发送队列", "rejected": "已驳回"}[self.value]


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"

    @property
    def label(self) -> str:
        return {"pending": "待发送", "sending": "发送中", "sent": "已送达", "dead": "发送失败（死信）"}[
            self.value
        ]


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
