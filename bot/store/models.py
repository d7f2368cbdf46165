"""SQLAlchemy 2 typed models. Every schema change also needs an Alembic migration."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Workspace(Base):
    """A Slack workspace the bot serves, with its settings (None means the environment default)."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    deal_channels: Mapped[list[str] | None] = mapped_column(JSON)
    checkin_cadence_days: Mapped[list[int] | None] = mapped_column(JSON)
    checkin_hour: Mapped[int | None]
    holidays: Mapped[list[str] | None] = mapped_column(JSON)
    team_channel: Mapped[str | None] = mapped_column(String(80))
    recognition_channel: Mapped[str | None] = mapped_column(String(80))
    notify_recognised: Mapped[bool | None]
    prompt_weekday: Mapped[int | None]
    prompt_time: Mapped[str | None] = mapped_column(String(5))  # "15:00"
    digest_weekday: Mapped[int | None]
    digest_time: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))  # channel posts' ("de"); None: Slack's
    retention_months: Mapped[int | None]  # notes and stories older are deleted; 0: kept
    settings_changed_by: Mapped[str | None] = mapped_column(String(32))
    settings_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DealStatus(enum.StrEnum):
    ACTIVE = "active"
    DISMISSED = "dismissed"  # someone said "Not a deal"
    DELETED = "deleted"  # the announcing message was deleted
    RETRACTED = "retracted"  # the message was edited and no longer announces a deal


class Deal(Base):
    """A closed deal. Removed deals keep their row so a replayed event cannot bring them back."""

    __tablename__ = "deals"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_deals_message"),
        Index(
            "uq_deals_crm_win", "team_id", "source", "source_record", "source_stage", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"), index=True)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    customer: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[str | None] = mapped_column(String(32))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    posted_by: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    from_integration: Mapped[bool] = mapped_column(default=False)
    permalink: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DealStatus.ACTIVE.value)
    removed_by: Mapped[str | None] = mapped_column(String(32))
    reply_ts: Mapped[str | None] = mapped_column(String(32))
    # Unused since the reply became due work (`deal_reply`); kept while replicas of the
    # release before may still run, since migrations only add. Drop it in the next one.
    reply_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    announcement: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the message, as read
    # Read from the channel's history after Serve was away, not from its event.
    caught_up: Mapped[bool] = mapped_column(default=False, server_default=false())
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A deal a CRM's webhook sent (no post in Slack; Serve announces it): which CRM, its
    # record and won stage (one deal each, however often the CRM sends it), a link to the
    # record, and the owner's e-mail as the CRM knows them.
    source: Mapped[str | None] = mapped_column(String(16))
    source_record: Mapped[str | None] = mapped_column(String(64))
    source_stage: Mapped[str | None] = mapped_column(String(100))
    source_link: Mapped[str | None] = mapped_column(Text)
    owner_email: Mapped[str | None] = mapped_column(String(254))

    @property
    def is_active(self) -> bool:
        return self.status == DealStatus.ACTIVE


class Label(enum.StrEnum):
    DEAL = "deal"  # someone logged the message as a closed deal
    NOT_A_DEAL = "not_a_deal"  # someone said "Not a deal" under its reply


class LabelledMessage(Base):
    """A message a person said was, or was not, a closed deal: the workspace's own
    examples of how well Serve reads its channel. The latest label of a message wins."""

    __tablename__ = "labelled_messages"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_labelled_message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(16))
    message: Mapped[dict[str, Any]] = mapped_column(JSON)
    labelled_by: Mapped[str] = mapped_column(String(32))
    labelled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The customer the person settled on, for a deal; None for "Not a deal".
    customer: Mapped[str | None] = mapped_column(String(200))


class DealAsk(Base):
    """Serve asked someone whether a post it was unsure of is a closed deal. One row a
    message, inserted if absent, so edits, retries and replicas never ask twice; it keeps
    the message as read for the form "Log it" opens."""

    __tablename__ = "deal_asks"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_deal_asks_message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    asked_user: Mapped[str | None] = mapped_column(String(32))  # None: nobody to ask
    message: Mapped[dict[str, Any]] = mapped_column(JSON)
    customer: Mapped[str | None] = mapped_column(String(200))  # as read, if any
    owner_id: Mapped[str | None] = mapped_column(String(32))  # as read, if any
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(String(16))  # a Label once answered
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckInStatus(enum.StrEnum):
    PLANNED = "planned"  # waiting for its time
    SENT = "sent"  # the DM is out; one reminder may follow
    REMINDED = "reminded"  # reminded once; it counts as missed if nobody answers
    DONE = "done"  # the owner logged how the customer feels
    MISSED = "missed"
    STOPPED = "stopped"  # the owner asked for no more check-ins with this customer
    CANCELLED = "cancelled"  # the deal was removed; planned ones come back if it is revived


# Who a forgotten person becomes (`/serve forget me`): shown as "a former teammate".
FORMER_TEAMMATE = "U0FORMER"
OPEN_CHECKIN_STATUSES = (CheckInStatus.PLANNED, CheckInStatus.SENT, CheckInStatus.REMINDED)


class Outcome(enum.StrEnum):
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    NEEDS_HELP = "needs_help"


class CheckIn(Base):
    """One relational nudge to a deal's owner. `due_at` is when its DM is planned to go
    out, kept after a cancellation so a revived deal can plan it again. What runs when
    (send, remind, mark missed) is due work; see `DueWork`."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    stage: Mapped[int]
    offset_days: Mapped[int]
    recipient_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=CheckInStatus.PLANNED.value)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    logged_by: Mapped[str | None] = mapped_column(String(32))
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    help_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the team was asked
    help_post_channel: Mapped[str | None] = mapped_column(String(32))
    help_post_ts: Mapped[str | None] = mapped_column(String(32))
    helper_id: Mapped[str | None] = mapped_column(String(32))  # who stepped in
    helped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The check-in whose DM carries this one too, once gathered into it; its own id alone.
    sent_with: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HandOff(Base):
    """A customer passed from one teammate to another: part of their timeline."""

    __tablename__ = "hand_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    from_user: Mapped[str | None] = mapped_column(String(32))
    to_user: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Nudge(Base):
    """A message Serve sends a person without being asked (a check-in, a reminder, a
    story prompt, offer or thanks): taken from their week's attention budget just before
    it is sent."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudges_person", "team_id", "user_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    send_key: Mapped[str] = mapped_column(String(64), unique=True)  # the send it was taken for
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Visibility(enum.StrEnum):
    NAMED = "named"  # in the digest, with the sharer's name
    ANONYMOUS = "anonymous"  # in the digest, sharer never shown
    LEADS = "leads"  # kept for team leads, not in the digest


class Story(Base):
    """Help given without being asked, as a teammate saw it."""

    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_week", "team_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    shared_by: Mapped[str] = mapped_column(String(32))
    helpers: Mapped[list[str]] = mapped_column(JSON)
    served: Mapped[str | None] = mapped_column(String(200))
    what_happened: Mapped[str] = mapped_column(Text)
    quality: Mapped[str | None] = mapped_column(String(40))
    visibility: Mapped[str] = mapped_column(String(16))
    week: Mapped[str] = mapped_column(String(10))
    source_link: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Member(Base):
    """A person's own preferences in a workspace."""

    __tablename__ = "members"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    prompts_paused: Mapped[bool] = mapped_column(default=False)  # prompts and check-ins
    paused_until: Mapped[date | None] = mapped_column(Date())  # the last day paused
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def paused_on(self, day: date) -> bool:
        return self.prompts_paused and (self.paused_until is None or day <= self.paused_until)


class WorkStatus(enum.StrEnum):
    TODO = "todo"  # waiting for due_at
    DOING = "doing"  # claimed by a runner until due_at (its lease)
    DONE = "done"
    FAILED = "failed"  # given up; `note` says why
    CANCELLED = "cancelled"  # no longer wanted: its check-in was answered, moved or removed


OPEN_WORK = text("status IN ('todo', 'doing')")


class DueWork(Base):
    """Something to do at a time: send a check-in, remind, post a digest. The runner
    claims rows whose `due_at` has passed, hands each to the handler for its `kind`, and
    finishes, retries or fails it. `due_at` is the lease's end while a row is claimed, so
    a crashed runner's rows fall due again by themselves.

    Once-per-period work (a week's digest, a person's weekly prompt) sets `period` and
    `recipient`: the unique constraint lets exactly one such row exist, however many
    replicas try to create it."""

    __tablename__ = "due_work"
    __table_args__ = (
        UniqueConstraint("kind", "team_id", "period", "recipient", name="uq_due_work_once"),
        Index("ix_due_work_due", "due_at", postgresql_where=OPEN_WORK, sqlite_where=OPEN_WORK),
        Index(
            "ix_due_work_subject",
            "subject_id",
            postgresql_where=OPEN_WORK,
            sqlite_where=OPEN_WORK,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    team_id: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None]  # the row it is about (a check-in), if any
    period: Mapped[str | None] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=WorkStatus.TODO.value)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # first claimed
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # this claim began
    # An earlier attempt that may have taken effect ran within this window, not yet looked
    # at: a send looks there for what it posted before posting again.
    tried_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tried_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    send_key: Mapped[str] = mapped_column(String(64))
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SeenRequest(Base):
    """A request from Slack already taken, by what Slack made unique about it (a slash
    command's or an interaction's trigger): a replay or a redelivery of it is acked and
    changes nothing. Kept for a day, far past the five minutes a signature is good for."""

    __tablename__ = "seen_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of team:trigger
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class CrmSecret(Base):
    """What a workspace's CRM webhooks are verified with, for workspaces that install
    Serve through OAuth (one workspace uses the environment's): a HubSpot app's secret,
    a Salesforce signing secret, or the digest of a HubSpot API key."""

    __tablename__ = "crm_secrets"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StepRun(Base):
    """One run of a Workflow Builder step, by the execution id Slack gives it: kept with
    what the step made in the same unit of work, so a run Slack sends again makes
    nothing twice and finishes with the same outputs."""

    __tablename__ = "step_runs"

    execution_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))  # the function's callback id
    outputs: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # set before the commit
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChannelRead(Base):
    """How far Serve has seen a deal channel: the newest message it saw there (an event,
    or its history read through), and a catch-up asked for and not yet begun, from the
    time Serve last saw the channel before it was away. Written at most about once a
    minute while events arrive, so a mark may lag: catching up reads a little before
    it, and reading a message twice changes nothing."""

    __tablename__ = "channel_reads"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_to: Mapped[datetime] = mapped_column(UTCDateTime())
    wanted_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HistoryTurn(Base):
    """When a workspace's next history call may go, where Slack allows one a minute:
    every replica's catch-ups take turns here, so none is refused."""

    __tablename__ = "history_turns"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditKind(enum.StrEnum):
    """What an audit entry records."""

    SETTING = "setting"  # an admin changed a setting: {setting, old, new}
    EXPORT = "export"  # an admin exported the workspace's data: {rows}
    FORGET_ME = "forget_me"  # someone asked to be forgotten: what went
    UNINSTALL = "uninstall"  # the app was uninstalled: {forget_at}
    RETENTION = "retention"  # old notes and stories deleted: {months, notes, stories}


# Who did what an audit entry records, when no person did: Serve's own due work, or Slack
# telling Serve the app was uninstalled.
BY_SERVE = "serve"
BY_SLACK = "slack"


class AuditEntry(Base):
    """Something done to a workspace's settings or data that its admins may want to
    account for later: who, when, what. Written in the same unit of work as the change,
    so the trail never records what did not happen, nor misses what did."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_team_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(32))  # a user id, BY_SERVE or BY_SLACK
    kind: Mapped[str] = mapped_column(String(32))
    change: Mapped[dict[str, Any]] = mapped_column(JSON)
