"""Catching up as due work: learning a workspace's deal channels, and reading each one's
history since Serve last saw it, page by page, patient with Slack's limits. Where Slack
allows a distributed app one history call a minute, a catch-up reads a page, then is
due again a minute later, taking turns with the workspace's other catch-ups, so no
call is refused; an internal app's catch-up reads its pages one after another. A 429
makes it wait as long as Slack says."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.languages import _, speaking
from bot.people import planning
from bot.runner import GiveUp, Later
from bot.services import catch_up, deals
from bot.services.catch_up import ClaimLost, PageTaken, Window
from bot.services.deals import Ask, Change
from bot.slack_api import RateLimited
from bot.views import asks as ask_views
from bot.views.deals import deal_reply

from .work import Wiring, Work

log = logging.getLogger(__name__)
PAGE_LIMITED = 15  # the most Slack gives distributed apps outside the Marketplace
PAGE = 200  # Slack's advice for a page under Tier 3
UNREADABLE = frozenset({"channel_not_found", "not_in_channel"})
CLAIM_MARGIN = timedelta(minutes=1)  # a page and what it changes, at the most


def register(wiring: Wiring) -> None:
    wiring.register(catch_up.FIND_CHANNELS, find_channels)
    wiring.register(catch_up.CATCH_UP, read_channel)


def find_channels(work: Work) -> str | None:
    """The deal channels as the workspace's settings name them (every channel the bot is
    in, when they name none), so one Serve has not seen yet is watched from now on."""
    client, directory = work.delivery.client, work.directory
    chosen = work.workspace.deal_channels
    if chosen:
        found = [directory.channel_id(client, name) for name in chosen]
        channels = [channel for channel in found if channel]
    else:
        channels = directory.member_channels(client)
    new = catch_up.watch(work.store, work.clock, work.team_id, channels)
    return f"{len(channels)} deal channels, {new} new"


def read_channel(work: Work) -> str | None:
    job, store, clock = work.job, work.store, work.clock
    channel = job.recipient or ""
    if not _watched(work, channel):
        catch_up.forget(store, job.team_id, channel)
        return "not a deal channel now"
    claim = catch_up.Claim(job.id, job.attempt)
    window = Window.of(job.progress)
    pages = 0
    try:
        while True:
            if window is None:
                days = work.settings.catch_up_days
                window = catch_up.begin(store, clock, claim, job.team_id, channel, days)
                if window is None:
                    return f"caught up ({pages} pages read)"
            _wait_for_a_turn(work)
            _within_the_claim(work)
            window = _read_page(work, channel, window)
            pages += 1
    except RateLimited as limited:
        raise Later(limited.until, "waiting to read the channel's history") from limited
    except ClaimLost as lost:
        # Translators: shown to admins on the Home tab, after "Catching up on a deal
        # channel's history".
        raise GiveUp(_("its claim was lost; another attempt carries on")) from lost
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        if code not in UNREADABLE:
            raise
        catch_up.forget(store, job.team_id, channel)
        return f"left alone: Slack said {code}"


def _watched(work: Work, channel: str) -> bool:
    client = work.delivery.client
    return deals.watches_channel(
        work.workspace.deal_channels,
        channel,
        lambda: work.directory.channel_name(client, channel),
    )


def _wait_for_a_turn(work: Work) -> None:
    """Where Slack allows a call a minute, each call waits for the workspace's turn: a
    page, then the catch-up is due again when the next minute's call may go."""
    if not work.settings.history_limited:
        return
    turn = catch_up.take_turn(work.store, work.team_id, work.clock.now())
    if turn is not None:
        raise Later(turn, "reading history a page a minute")


def _within_the_claim(work: Work) -> None:
    """A long catch-up carries on in a fresh claim rather than outlast this one."""
    ends = work.job.claim_ends
    now = work.clock.now()
    if ends is not None and now + CLAIM_MARGIN >= ends:
        raise Later(now, "carrying on in a fresh claim")


def _read_page(work: Work, channel: str, window: Window) -> Window | None:
    """One page of history, taken; what is left of the window."""
    client = work.delivery.client
    try:
        answer = client.conversations_history(
            channel=channel,
            oldest=window.oldest,
            latest=window.latest,
            inclusive=True,
            limit=PAGE_LIMITED if work.settings.history_limited else PAGE,
            cursor=window.cursor,
        )
    finally:
        if work.settings.history_limited:
            catch_up.turn_answered(work.store, work.team_id, work.clock.now())
    messages = [dict(m) for m in answer.get("messages") or []]
    cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
    own = work.directory.own_bot_id(client)
    plans = planning(work.deps, client, work.team_id)
    claim = catch_up.Claim(work.job.id, work.job.attempt)
    where = (work.team_id, channel)
    taken = catch_up.take_page(
        work.store, work.clock, claim, where, window, (messages, cursor), plans, own
    )
    _show(work, taken)
    return taken.left


def _show(work: Work, taken: PageTaken) -> None:
    """Tell Slack what the page changed, as the message listener would have: a new
    deal's reply is due work (the runner is asked to look now), a reply already out is
    redrawn, and posts Serve is unsure of are asked about."""
    for change in taken.changes:
        deal = change.deal
        if deal is None:
            continue
        if change.change == Change.RECORDED or not (deal.reply_ts and deal.channel_id):
            work.deps.run_soon()
            continue
        with speaking(work.speaking_in(deal.channel_id)):
            drawn = deal_reply(deal, change.planned)
        try:
            work.delivery.client.chat_update(channel=deal.channel_id, ts=deal.reply_ts, **drawn)
        except SlackClientError as error:
            log.warning("could not redraw deal %s's reply: %s", deal.id, error)
    for asked in taken.asks:
        _ask(work, asked)


def _ask(work: Work, asked: Ask) -> None:
    """The poster alone is asked, as for a post read on time; an owner a CRM named only
    if Slack knows them as a person."""
    if asked.named_by_integration and work.person(asked.user_id) is None:
        return
    with speaking(work.speaking_to(asked.user_id)):
        drawn = ask_views.ask(asked.channel_id, asked.ts, asked.customer)
    try:
        work.delivery.client.chat_postEphemeral(
            channel=asked.channel_id, user=asked.user_id, **drawn
        )
    except SlackClientError as error:
        log.warning("could not ask about a post: %s", error)
