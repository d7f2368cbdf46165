"""Sends the work that has fallen due. Each tick claims due rows in the database
(check-ins, weekly prompts, digests), takes each one's next step through Slack, and
records what Slack said."""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.deps import Deps
from bot.services import checkins, weekly
from bot.services.cadence import WorkingHours, away_until, first_slot_after, zone_or_default
from bot.store.models import CheckInStatus, DueWork
from bot.views.checkins import checkin_dm, checkin_missed, checkin_reminder
from bot.views.digest import digest_messages
from bot.views.stories import story_prompt

log = logging.getLogger(__name__)
CHECKIN_EVENT = "serve_checkin"
HISTORY_LOOKBACK = 50
UNREACHABLE = {"user_not_found", "user_disabled", "cannot_dm_bot", "account_inactive"}


class Dispatcher:
    def __init__(self, deps: Deps, client: WebClient, batch: int = 50) -> None:
        self.deps = deps
        self.client = client
        self.batch = batch
        self._one_tick_at_a_time = threading.Lock()

    def tick(self) -> int:
        """Take every due step now; returns how many rows of due work were handled."""
        with self._one_tick_at_a_time:
            return self._tick()

    def _tick(self) -> int:
        weekly.ensure_this_week(self.deps.store, self.deps.clock, self.deps.settings)
        handled = 0
        for claim, step in (
            (checkins.claim_due, self._step),
            (weekly.claim_due, self._weekly_step),
        ):
            while True:
                claimed = claim(self.deps.store, self.deps.clock, self.batch)
                for row_id in claimed:
                    step(row_id)
                handled += len(claimed)
                if len(claimed) < self.batch:
                    break
        return handled

    def _step(self, checkin_id: int) -> None:
        step = checkins.claimed_step(self.deps.store, checkin_id)
        if step is None:
            return
        try:
            if step.checkin.status == CheckInStatus.PLANNED:
                self._send(step)
            elif step.checkin.status == CheckInStatus.SENT:
                self._remind(step)
            else:
                self._mark_missed(step)
        except SlackApiError as error:
            self._failed(checkin_id, error.response.status_code, error.response)
        except (SlackClientError, OSError) as error:
            self._failed(checkin_id, None, {"error": type(error).__name__})
        except Exception:
            log.exception("check-in %s failed", checkin_id)
            self._failed(checkin_id, None, {"error": "internal_error"})

    def _hours(self, step: checkins.Step) -> tuple[WorkingHours, dict[str, Any] | None]:
        """The recipient's working hours and Slack profile (None when Slack won't say)."""
        person = self.deps.directory.person(self.client, step.checkin.recipient_id)
        policy = checkins.policy_for(self.deps.store, step.checkin.team_id, self.deps.settings)
        zone = zone_or_default(person.tz if person else None, self.deps.settings.default_timezone)
        if person is not None and not person.reachable:
            return policy.hours(zone), None
        return policy.hours(zone), person.profile if person else {}

    def _send(self, step: checkins.Step) -> None:
        checkin, now = step.checkin, self.deps.clock.now()
        hours, profile = self._hours(step)
        if profile is None:
            checkins.give_up(self.deps.store, checkin.id, now, "recipient is not reachable")
            return
        away = away_until(profile, now)
        if away is not None:
            checkins.postpone(
                self.deps.store, checkin.id, first_slot_after(away, hours), now, "recipient away"
            )
            return
        channel = self.client.conversations_open(users=checkin.recipient_id)["channel"]["id"]
        message = checkin_dm(checkin, step.deal)
        ts = self._post_once(channel, checkin.send_key or "", checkin.attempts, message)
        checkins.mark_sent(self.deps.store, checkin.id, channel, ts, self.deps.clock.now(), hours)

    def _post_once(
        self, channel: str, key: str, attempts: int, message: dict[str, Any], **where: Any
    ) -> str:
        """Post with `key` in the message metadata. chat.postMessage has no idempotency
        key, so after a failed attempt (a timeout or 5xx may still have posted) look
        for the key in the conversation before posting again."""
        if attempts > 1:
            found = self._already_sent(channel, key, where.get("thread_ts"))
            if found is not None:
                return found
        posted = self.client.chat_postMessage(
            channel=channel,
            metadata={"event_type": CHECKIN_EVENT, "event_payload": {"send_key": key}},
            **where,
            **message,
        )
        return str(posted["ts"])

    def _already_sent(self, channel: str, key: str, thread_ts: str | None = None) -> str | None:
        """After an ambiguous failure (timeout, 5xx), the message may have gone out: look."""
        if thread_ts:
            history = self.client.conversations_replies(
                channel=channel, ts=thread_ts, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        else:
            history = self.client.conversations_history(
                channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        for message in history.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("send_key") == key:
                return message["ts"]
        return None

    def _remind(self, step: checkins.Step) -> None:
        checkin = step.checkin
        hours, _profile = self._hours(step)
        if checkin.dm_channel and checkin.message_ts:
            self._post_once(
                checkin.dm_channel,
                f"{checkin.send_key}:reminder",
                checkin.attempts,
                checkin_reminder(step.deal),
                thread_ts=checkin.message_ts,
                reply_broadcast=True,
            )
        checkins.mark_reminded(self.deps.store, checkin.id, self.deps.clock.now(), hours)

    def _mark_missed(self, step: checkins.Step) -> None:
        checkin = step.checkin
        checkins.mark_missed(self.deps.store, checkin.id, self.deps.clock.now())
        if checkin.dm_channel and checkin.message_ts:
            try:
                self.client.chat_update(
                    channel=checkin.dm_channel,
                    ts=checkin.message_ts,
                    **checkin_missed(checkin, step.deal),
                )
            except SlackApiError as error:
                log.warning("could not update missed check-in %s: %s", checkin.id, error)

    def _failed(self, checkin_id: int, status: int | None, response: Any) -> None:
        error = str(response.get("error", "unknown")) if response is not None else "unknown"
        now = self.deps.clock.now()
        if error in UNREACHABLE:
            checkins.give_up(self.deps.store, checkin_id, now, error)
            return
        step = checkins.claimed_step(self.deps.store, checkin_id)
        attempts = step.checkin.attempts if step else 1
        log.warning("check-in %s: Slack said %s (%s); will retry", checkin_id, error, status)
        checkins.retry_later(
            self.deps.store, checkin_id, now, checkins.retry_wait(attempts), f"{status}: {error}"
        )

    # -- once-a-week work ---------------------------------------------------------------

    def _weekly_step(self, work_id: int) -> None:
        work = weekly.claimed(self.deps.store, work_id)
        if work is None:
            return
        handlers = {
            weekly.PROMPT_PLAN: self._plan_prompts,
            weekly.PROMPT: self._send_prompt,
            weekly.DIGEST: self._post_digest,
        }
        try:
            handlers[work.kind](work)
        except SlackApiError as error:
            self._weekly_failed(
                work, f"{error.response.status_code}: {error.response.get('error')}"
            )
        except (SlackClientError, OSError) as error:
            self._weekly_failed(work, type(error).__name__)
        except Exception:
            log.exception("%s %s failed", work.kind, work_id)
            self._weekly_failed(work, "internal_error")

    def _weekly_failed(self, work: DueWork, why: str) -> None:
        log.warning("%s for %s: %s; will retry", work.kind, work.recipient, why)
        now = self.deps.clock.now()
        if work.attempts >= checkins.MAX_ATTEMPTS:
            weekly.finish(self.deps.store, work.id, now, "failed", why)
        else:
            weekly.retry_later(
                self.deps.store, work.id, now, checkins.retry_wait(work.attempts), why
            )

    def _no_channel(self, work: DueWork, channel: str) -> None:
        log.warning("%s: channel %r not found; is the bot invited to it?", work.kind, channel)
        weekly.finish(self.deps.store, work.id, self.deps.clock.now(), "failed", "no channel")

    def _plan_prompts(self, work: DueWork) -> None:
        setup = weekly.setup_of(self.deps.store, work.team_id, self.deps.settings)
        channel = self.deps.directory.channel_id(self.client, setup.team_channel)
        if channel is None:
            self._no_channel(work, setup.team_channel)
            return
        people = []
        for user_id in self.deps.directory.members(self.client, channel):
            person = self.deps.directory.person(self.client, user_id)
            if person is not None and person.reachable:
                zone = zone_or_default(person.tz, self.deps.settings.default_timezone)
                people.append((user_id, zone))
        weekly.plan_prompts(
            self.deps.store, self.deps.clock, work.team_id, work.period, people, self.deps.settings
        )
        weekly.finish(self.deps.store, work.id, self.deps.clock.now())

    def _send_prompt(self, work: DueWork) -> None:
        now = self.deps.clock.now()
        person = self.deps.directory.person(self.client, work.recipient)
        if person is None or not person.reachable:
            weekly.finish(self.deps.store, work.id, now, "skipped", "not reachable")
            return
        away = away_until(person.profile, now) is not None
        reason = weekly.skip_prompt_reason(
            self.deps.store, work.team_id, work.recipient, work.period, away
        )
        if reason:
            weekly.finish(self.deps.store, work.id, now, "skipped", reason)
            return
        channel = self.client.conversations_open(users=work.recipient)["channel"]["id"]
        ts = self._post_once(channel, work.send_key or "", work.attempts, story_prompt())
        weekly.record_part(self.deps.store, work.id, channel, ts, 1)
        weekly.finish(self.deps.store, work.id, self.deps.clock.now())

    def _post_digest(self, work: DueWork) -> None:
        """Post the week's digest: the first message in the channel, the rest in its
        thread, each once; a retry carries on from the first part not yet posted."""
        settings = self.deps.settings
        wanted = weekly.setup_of(self.deps.store, work.team_id, settings).recognition_channel
        channel = work.channel or self.deps.directory.channel_id(self.client, wanted)
        if channel is None:
            self._no_channel(work, wanted)
            return
        zone = zone_or_default(settings.default_timezone)
        scheduled = weekly.on_weekday(
            work.period, settings.digest_weekday, settings.digest_time, zone
        )
        digest = weekly.compose_digest(
            self.deps.store, work, zone, self.deps.clock.now(), scheduled
        )
        root = work.message_ts
        for part, message in enumerate(digest_messages(digest)):
            if part < work.parts_sent:
                continue
            key = f"{work.send_key}:{part}"
            where = {"thread_ts": root} if part else {}
            ts = self._post_once(channel, key, work.attempts, message, **where)
            root = root or ts
            weekly.record_part(self.deps.store, work.id, channel, ts, part + 1)
        weekly.finish(self.deps.store, work.id, self.deps.clock.now())
