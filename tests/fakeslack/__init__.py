"""The project's fake Slack: a real Web API server and Socket Mode endpoint for tests."""

from .server import (
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    DROPPED,
    TEAM_ID,
    Call,
    Failure,
    FakeSlack,
    Message,
    SharedFile,
)

__all__ = [
    "APP_TOKEN",
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "DROPPED",
    "TEAM_ID",
    "Call",
    "Failure",
    "FakeSlack",
    "Message",
    "SharedFile",
]
