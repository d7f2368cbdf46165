"""What Slack's answers mean for a piece of due work."""

from __future__ import annotations

from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.languages import _, ngettext
from bot.runner import Done, GiveUp, Handler, Job, Later, Retry
from bot.slack_api import HISTORY, RateLimited, method_of, retry_after
from bot.tokens import NotInstalled
from bot.views.mrkdwn import number

# An uninstalled workspace's work waits, looked at again this often, in case the app is
# installed again before the workspace's data is deleted.
WHILE_UNINSTALLED = timedelta(hours=1)

# A send whose earlier attempt may have posted waits this long at most to learn whether
# it did, then fails (and says why) rather than risk posting twice.
LOOK_WITHIN = timedelta(hours=6)

# Slack errors no retry can mend: the work ends, with the error stored as the reason.
NEVER_SUCCEEDS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_arguments",
        "invalid_blocks",
        "is_archived",
        "msg_too_long",
        "no_text",
        "not_in_channel",
        "user_disabled",
        "user_not_found",
    }
)


def through_slack(handler: Handler, clock: Clock) -> Handler:
    """Slack's answers as the runner understands them: a rate limit is `Later`, an
    error no retry can mend is `GiveUp`, anything else may pass and is a `Retry`; work
    for a workspace the app has left waits (`Later`) and sends nothing. A rate limit on
    sending holds back the workspace's other work of the kind; one on reading history
    holds back only the send that was looking, so the others go on."""

    def run(job: Job) -> str | Done | None:
        try:
            return handler(job)
        except NotInstalled as gone:
            raise Later(clock.now() + WHILE_UNINSTALLED, str(gone), holds_kind=True) from gone
        except RateLimited as limited:
            holds = limited.channel is None
            raise _waiting(job, limited.method, limited.until, clock, holds) from limited
        except SlackApiError as error:
            raise _meaning(job, error, clock) from error
        except (SlackClientError, OSError) as error:
            raise Retry(f"{type(error).__name__}: {error}") from error

    return run


def _waiting(
    job: Job, method: str, until: datetime, clock: Clock, holds_kind: bool = True
) -> Exception:
    """A limit on one conversation holds back only the send to it; one on the workspace
    holds back the workspace's other sends of the kind too."""
    if method not in HISTORY:
        return Later(until, f"{method} is rate limited", holds_kind=holds_kind)
    if job.tried is not None and clock.now() - job.tried[1] > LOOK_WITHIN:
        hours = LOOK_WITHIN // timedelta(hours=1)
        # Translators: why a message was not sent, shown to admins on the Home tab.
        said = ngettext(
            "not sent: an earlier attempt may have posted it, and Slack's history stayed "
            "rate limited for {hours} hour, so it could not be checked",
            "not sent: an earlier attempt may have posted it, and Slack's history stayed "
            "rate limited for {hours} hours, so it could not be checked",
            hours,
        )
        return GiveUp(said.format(hours=number(hours)))
    return Later(until, f"waiting to read Slack's history: {method} is rate limited")


def _meaning(job: Job, error: SlackApiError, clock: Clock) -> Exception:
    code = str(error.response.get("error") or "unknown")
    status = error.response.status_code
    method = method_of(str(getattr(error.response, "api_url", "")))
    if status == 429:
        wait = timedelta(seconds=retry_after(error.response.headers))
        return _waiting(job, method, clock.now() + wait, clock)
    if code in NEVER_SUCCEEDS:
        # Translators: shown to admins on the Home tab; {method} is a Slack API method
        # (chat.postMessage), {code} the error Slack gave (channel_not_found).
        return GiveUp(_("{method}: Slack said {code}").format(method=method, code=code))
    return Retry(f"{method}: Slack said {code} ({status})", soon=status >= 500)
