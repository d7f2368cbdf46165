"""The project's fake Slack: a real Web API server and Socket Mode endpoint for tests,
shipped with the bot so the demo, the simulation and the benchmarks can run it too.
`FakeSlack` (in `server`) is the whole fake; the other modules are its parts, each
described in its own docstring, plus `spec` (checks calls against Slack's published API
descriptions in `published/`) and `http_delivery` (Slack's side of HTTP mode)."""

from .faults import Failure
from .functions import Execution
from .installs import APP_TOKEN, BOT_TOKEN, CLIENT_ID, CLIENT_SECRET
from .server import FakeSlack
from .socket_mode import AppReceiver
from .web_api import DROPPED, Call
from .workspace import BOT_ID, BOT_USER_ID, TEAM_ID, Message, SharedFile

__all__ = [
    "APP_TOKEN",
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "DROPPED",
    "TEAM_ID",
    "AppReceiver",
    "Call",
    "Execution",
    "Failure",
    "FakeSlack",
    "Message",
    "SharedFile",
]
