import logging

import pytest

from bot.logs import hold_back


def test_what_is_held_back_is_logged_in_order_once_started(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    held = hold_back()
    logging.getLogger("alembic.runtime.migration").info("Running upgrade 0001 -> 0002")
    logging.getLogger("slack_bolt.App").warning("a warning")

    assert caplog.messages == []
    held.publish()
    logging.getLogger("servebot").info("connected")

    assert caplog.messages == ["Running upgrade 0001 -> 0002", "a warning", "connected"]


def test_what_is_held_back_is_never_written_when_the_start_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    held = hold_back()
    logging.getLogger("alembic.runtime.migration").info("Running upgrade 0001 -> 0002")

    held.discard()
    logging.getLogger("servebot").info("after")

    assert caplog.messages == ["after"]
