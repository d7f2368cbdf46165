"""Every text input of every modal tells Slack its longest, so a person is stopped as they
type rather than on submitting."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.store.models import CheckIn, Deal
from bot.views import checkins, commands, deals, settings, stories


def every_modal() -> list[dict[str, Any]]:
    deal = Deal(id=1, customer="Acme Corp", team_id="T0SERVE")
    checkin = CheckIn(id=1, deal_id=1, stage=0, offset_days=3, recipient_id="U0ALICE")
    return [
        stories.story_modal("command"),
        settings.settings_modal(Settings(), "T0SERVE"),
        deals.log_deal_modal("C0RANDOM", {"ts": "1.2", "text": "Closed Acme"}, "Acme", "U0ALICE"),
        commands.new_deal_modal(),
        checkins.reached_out_modal(checkin, deal),
        checkins.snooze_modal(checkin, deal),
        checkins.hand_off_modal(checkin, deal),
    ]


def test_every_text_input_of_every_modal_has_a_max_length() -> None:
    unbounded = [
        f"{modal['callback_id']}:{block['block_id']}"
        for modal in every_modal()
        for block in modal["blocks"]
        if block["type"] == "input"
        and block["element"]["type"] == "plain_text_input"
        and not 0 < block["element"].get("max_length", 0) <= 3000
    ]
    assert unbounded == []
