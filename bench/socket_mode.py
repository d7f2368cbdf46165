"""Big events over Socket Mode: how long each Socket Mode client that works with a sync
Bolt `App` takes from Slack sending an event to its ack, for events of 64 KB to 4 MB,
each sent in one frame and split into 64 KB and 4 KB continuation frames, against the fake
Slack's real WebSocket endpoint.

    python bench/socket_mode.py [--quick]

Clients: Bolt's default (slack_sdk's builtin client), Bolt's `websocket_client` adapter
as it comes, and Serve's own `SocketMode`. Bolt's aiohttp and websockets adapters take
an `AsyncApp` only, so Serve's sync app cannot use them. For each event: the time to the
ack, whether the connection survived (no new apps.connections.open, and a small event
after it is acked), and whether it was acked exactly once; past a size that got no ack,
larger ones are not tried. Target: time grows
linearly with size (ms per MB about flat), and every connection survives."""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

sys.path.insert(0, str(Path(__file__).parents[1]))

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler as BuiltinHandler
from slack_bolt.adapter.socket_mode.websocket_client import (
    SocketModeHandler as WebsocketClientHandler,
)
from slack_sdk import WebClient

from bench.results import record
from bot.sandbox.fakeslack import APP_TOKEN, BOT_TOKEN, FakeSlack
from bot.socket_mode import SocketMode

CHANNEL, USER = "C0DEALS", "U0ALICE"
KB = 1024
SIZES = [64 * KB, 256 * KB, 1024 * KB, 2048 * KB, 4096 * KB]
FRAMINGS: dict[str, int | None] = {
    "one frame": None,
    "64 KB frames": 64 * KB,
    "4 KB frames": 4 * KB,
}
ACK_WITHIN = 10.0  # seconds: past this, the event counts as not acked
BACK_WITHIN = 20.0  # seconds for a lost connection to come back before the next size


class Connection(Protocol):
    def connect(self) -> None: ...
    def close(self) -> None: ...


def builtin(app: App) -> Connection:
    return BuiltinHandler(app, APP_TOKEN)


def websocket_client(app: App) -> Connection:
    return WebsocketClientHandler(app, APP_TOKEN)


def serve(app: App) -> Connection:
    return SocketMode(app, APP_TOKEN, lambda: None)


CLIENTS: dict[str, Callable[[App], Connection]] = {
    "builtin (Bolt's default)": builtin,
    "websocket_client (as it comes)": websocket_client,
    "Serve's SocketMode": serve,
}
NOT_USABLE = {
    "aiohttp": "needs AsyncApp (slack_bolt.adapter.socket_mode.aiohttp)",
    "websockets": "needs AsyncApp (slack_bolt.adapter.socket_mode.websockets)",
}


def bare_app(fake: FakeSlack) -> App:
    """A Bolt app whose one listener does nothing: what is timed is the socket."""
    app = App(token=BOT_TOKEN, client=WebClient(token=BOT_TOKEN, base_url=fake.api_url))
    app.event("message")(lambda: None)
    return app


def message_of(fake: FakeSlack, size: int) -> dict[str, Any]:
    """A message event whose text makes its envelope about `size` bytes long."""
    words = "Closed the Initech renewal, three years, thanks to everyone who helped "
    text = (words * (size // len(words) + 1))[:size]
    post = fake.post_as_user(CHANNEL, text, user=USER)
    return {**post.as_event(), "channel": CHANNEL, "channel_type": "channel"}


def opened(fake: FakeSlack) -> int:
    return len(fake.calls_to("apps.connections.open"))


def one_event(fake: FakeSlack, size: int) -> tuple[float | None, bool, bool]:
    """Milliseconds to the ack (None: none came), whether the connection survived, and
    whether the event was acked exactly once."""
    urls = opened(fake)
    envelope = fake.send_event(message_of(fake, size), wait_ack=False)
    acked = fake.wait_for(lambda: envelope in fake.acks, ACK_WITHIN)
    took = (fake.acked_at[envelope] - fake.sent_at[envelope]) * 1000 if acked else None
    after = fake.send_event(message_of(fake, 100), wait_ack=False)
    small_acked = fake.wait_for(lambda: after in fake.acks, ACK_WITHIN)
    survived = small_acked and opened(fake) == urls and fake.connections == 1
    once = fake.ack_counts[envelope] == 1
    if not survived:  # let it come back (or give up) before the next size
        fake.wait_for(lambda: fake.connections == 1, BACK_WITHIN)
    return took, survived, once


def run(name: str, make: Callable[[App], Connection], repeats: int) -> list[str]:
    lines = []
    fake = FakeSlack().start()
    fake.add_user(USER, "alice")
    fake.add_channel(CHANNEL, "deals", members=[USER])
    connection = make(bare_app(fake))
    connection.connect()
    try:
        fake.wait_for_connection(20)
        for framing, frame_size in FRAMINGS.items():
            fake.frame_size = frame_size
            failed = False
            for size in SIZES:
                if failed:
                    lines.append(f"{name:31} {framing:13} {size // KB:5} KB  not tried")
                    print(lines[-1], flush=True)
                    continue
                runs = [one_event(fake, size)]
                failed = runs[0][0] is None
                if runs[0][0] is not None:  # one that never acks is not tried again
                    runs += [one_event(fake, size) for _ in range(repeats - 1)]
                times = [t for t, _, _ in runs if t is not None]
                survived = sum(s for _, s, _ in runs)
                once = sum(o for _, _, o in runs)
                if times:
                    ms = statistics.median(times)
                    per_mb = ms / (size / (1024 * KB))
                    took = f"{ms:8.1f} ms {per_mb:7.1f} ms/MB"
                else:
                    took = f"{'no ack':>11} {'':>10}"
                lines.append(
                    f"{name:31} {framing:13} {size // KB:5} KB  {took}"
                    f"  survived {survived}/{len(runs)}  acked once {once}/{len(runs)}"
                )
                print(lines[-1], flush=True)
    finally:
        fake.hang_up()
        connection.close()
        fake.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one event a size, not three")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # crashes and reconnections are counted
    logging.getLogger("websocket").setLevel(logging.CRITICAL + 1)
    repeats = 1 if args.quick else 3
    lines = [f"{'client':31} {'framing':13} {'size':>8}  {'send to ack':>22}"]
    for name, make in CLIENTS.items():
        lines += run(name, make, repeats)
    lines += [f"{name:31} not usable: {why}" for name, why in NOT_USABLE.items()]
    record("Big events over Socket Mode", lines)


if __name__ == "__main__":
    main()
