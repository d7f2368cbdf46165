"""Block Kit drawn for a terminal: what a person would see in Slack, roughly.

Pure functions from Block Kit dicts (as the bot sends them) to `rich` renderables. Text
is never read as rich markup, and control characters are replaced, so no text a
person typed can style, move or clear the terminal. Slack mrkdwn is converted lightly:
*bold*, _italic_, ~strike~, `code`, > quotes, <@U…> and <#C…> as names, dates as their
fallback text, links as their label, and &lt; &gt; &amp; unescaped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.emoji import Emoji
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from bot.services import markup
from bot.services.markup import Kind, Token, unescape

PLACEHOLDER_BASE = 0xE000  # private use: stands for a token while emphasis is found
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
MAX_TOKENS = 0xF8FF - PLACEHOLDER_BASE
EMPHASIS = (  # marker, style: Slack's rule, roughly: markers hug the text they wrap
    ("`", "code"),
    ("*", "bold"),
    ("_", "italic"),
    ("~", "strike"),
)
STYLES = {
    "bold": "bold",
    "italic": "italic",
    "strike": "strike",
    "code": "bold magenta",
    "mention": "bold cyan",
    "link": "underline blue",
    "quote": "dim",
}
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
BUTTON_STYLES = {"primary": "bold green", "danger": "bold red"}
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Names:
    """Who and where ids stand for, as a person reading Slack sees them."""

    users: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)

    def user(self, user_id: str, label: str = "") -> str:
        return "@" + (self.users.get(user_id) or label.lstrip("@") or user_id)

    def channel(self, channel_id: str, label: str = "") -> str:
        return "#" + (self.channels.get(channel_id) or label.lstrip("#") or channel_id)


NO_NAMES = Names()


def safe(text: object) -> str:
    """Text fit for a terminal: tabs become spaces; other control characters, surrogates
    and bidirectional overrides become U+FFFD. Newlines stay."""
    out = []
    for char in str(text):
        if char == "\n":
            out.append(char)
        elif char == "\t":
            out.append("    ")
        elif char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            out.append(REPLACEMENT)
        else:
            out.append(char)
    return "".join(out)


# -- mrkdwn ---------------------------------------------------------------------------------


def mrkdwn(text: object, names: Names = NO_NAMES, emoji: bool = True) -> Text:
    """Slack mrkdwn as styled terminal text."""
    raw = PRIVATE_USE.sub(REPLACEMENT, str(text) if text is not None else "")
    out = Text()
    for number, line in enumerate(raw.split("\n")):
        if number:
            out.append("\n")
        quoted = line.startswith(">")
        if quoted:
            out.append("│ ", style=STYLES["quote"])
            line = line[1:]
        out.append_text(_line(line, names, emoji))
    return out


def paragraphs(text: object, names: Names = NO_NAMES) -> RenderableType:
    """Slack mrkdwn as a block of text: quoted lines keep their bar when they wrap."""
    raw = str(text) if text is not None else ""
    parts: list[RenderableType] = []
    run: list[str] = []
    quoting = False

    def flush() -> None:
        if run:
            shown = mrkdwn("\n".join(run), names)
            parts.append(Quote(shown) if quoting else shown)
            run.clear()

    for line in raw.split("\n"):
        quoted = line.startswith(">")
        if quoted != quoting:
            flush()
            quoting = quoted
        run.append(line[1:] if quoted else line)
    flush()
    return parts[0] if len(parts) == 1 else Group(*parts)


class Quote:
    """Text behind a bar, as Slack draws a > quote."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = options.update_width(max(1, options.max_width - 2))
        bar = Segment("│ ", Style.parse(STYLES["quote"]))
        for line in console.render_lines(self.text, inner, pad=False):
            yield bar
            yield from line
            yield Segment.line()


def _line(line: str, names: Names, emoji: bool) -> Text:
    tokens: list[tuple[str, str]] = []

    def hold(piece: markup.Piece) -> str:
        if isinstance(piece, str):
            return piece
        if len(tokens) >= MAX_TOKENS:
            return piece.raw
        tokens.append(_token(piece, names))
        return chr(PLACEHOLDER_BASE + len(tokens) - 1)

    held = "".join(hold(piece) for piece in markup.pieces(line))
    styles: list[set[str]] = [set() for _ in held]
    dropped: set[int] = set()
    for marker, style in EMPHASIS:
        m = re.escape(marker)
        pattern = re.compile(rf"(?<![\w{m}]){m}(?=[^\s{m}])([^{m}\n]*?[^\s{m}])?{m}(?![\w{m}])")
        for match in pattern.finditer(held):
            start, end = match.start(), match.end() - 1
            if start in dropped or end in dropped or any("code" in styles[i] for i in (start, end)):
                continue
            dropped.update((start, end))
            for index in range(start + 1, end):
                styles[index].add(style)
    out = Text()
    run: list[str] = []
    run_style: frozenset[str] = frozenset()

    def flush() -> None:
        if run:
            plain = unescape("".join(run))
            if emoji and "code" not in run_style:
                plain = Emoji.replace(plain)
            out.append(safe(plain), style=_style(run_style))
            run.clear()

    for index, char in enumerate(held):
        if index in dropped:
            continue
        here = frozenset(styles[index])
        code = ord(char) - PLACEHOLDER_BASE
        if 0 <= code < len(tokens):
            flush()
            shown, kind = tokens[code]
            out.append(safe(shown), style=_style(here | {kind}))
            continue
        if here != run_style:
            flush()
            run_style = here
        run.append(char)
    flush()
    return out


def _style(styles: Iterable[str]) -> str:
    return " ".join(STYLES[s] for s in sorted(styles) if s in STYLES)


def _token(token: Token, names: Names) -> tuple[str, str]:
    """What a <…> token shows, and its kind of style."""
    target, label = token.target, token.label
    if token.kind is Kind.USER:
        return names.user(target, label), "mention"
    if token.kind is Kind.CHANNEL:
        return names.channel(target, label), "mention"
    if token.kind is Kind.SPECIAL and target.startswith("date^"):
        return label or "!" + target, ""
    if token.kind is Kind.SPECIAL and target.startswith("subteam^"):
        return label or "@group", "mention"
    if token.kind is Kind.SPECIAL:
        return "@" + (label or target), "mention"
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:"), "link"
    return label or target, "link"


# -- Block Kit ------------------------------------------------------------------------------


def text_of(obj: object, names: Names = NO_NAMES) -> Text:
    """A text object ({"type": "mrkdwn"|"plain_text", "text": …}) as terminal text."""
    if isinstance(obj, str):
        return Text(safe(obj))
    if not isinstance(obj, Mapping):
        return Text()
    text = obj.get("text", "")
    if obj.get("type") == "mrkdwn":
        return mrkdwn(text, names)
    shown = str(text)
    return Text(safe(Emoji.replace(shown) if obj.get("emoji", True) else shown))


def blocks(
    items: object, names: Names = NO_NAMES, values: Mapping[str, Any] | None = None
) -> RenderableType:
    """A list of blocks, one under the other; `values` fills a modal's inputs in, shaped
    as a view_submission's state ({block_id: {action_id: state}})."""
    if not isinstance(items, list):
        return Text()
    return Group(*(block(item, names, values) for item in items))


def block(
    item: object, names: Names = NO_NAMES, values: Mapping[str, Any] | None = None
) -> RenderableType:
    if not isinstance(item, Mapping):
        return Text("[?]", style="dim")
    kind = item.get("type")
    if kind == "header":
        return Text.assemble(text_of(item.get("text"), names), style="bold underline")
    if kind == "section":
        return _section(item, names)
    if kind == "context":
        elements = _list(item.get("elements"))
        if any(_quotes(e) for e in elements):
            return Padding(Group(*(_body(e, names) for e in elements)), 0, style="dim")
        joined = Text("  ").join(_context_element(e, names) for e in elements)
        joined.stylize("dim")
        return joined
    if kind == "actions":
        return Row([element(e, names) for e in _list(item.get("elements"))])
    if kind == "divider":
        return Rule(style="dim")
    if kind == "input":
        return _input(item, names, values or {})
    if kind == "image":
        return Text(safe(f"[image: {item.get('alt_text', '')}]"), style="dim")
    if kind == "rich_text":
        return Text(safe(_rich_text(item)))
    return Text(safe(f"[{kind} block]"), style="dim")


class Row:
    """Elements side by side, wrapped between elements rather than inside one."""

    def __init__(self, items: list[Text]) -> None:
        self.items = items

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = Text()
        for item in self.items:
            if line and line.cell_len + 1 + item.cell_len > options.max_width:
                yield line
                line = Text()
            if line:
                line.append(" ")
            line.append_text(item)
        if line:
            yield line


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _body(obj: object, names: Names) -> RenderableType:
    """A text object as a block of its own (quotes and all)."""
    if isinstance(obj, Mapping) and obj.get("type") == "mrkdwn":
        return paragraphs(obj.get("text", ""), names)
    return text_of(obj, names)


def _section(item: Mapping[str, Any], names: Names) -> RenderableType:
    parts: list[RenderableType] = []
    text = _body(item.get("text"), names)
    accessory = item.get("accessory")
    if isinstance(accessory, Mapping):
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True, max_width=40)
        grid.add_row(text, element(accessory, names))
        parts.append(grid)
    elif not isinstance(text, Text) or text:
        parts.append(text)
    fields = _list(item.get("fields"))
    if fields:
        grid = Table.grid(padding=(0, 4))
        grid.add_column()
        grid.add_column()
        shown = [text_of(f, names) for f in fields]
        for left in range(0, len(shown), 2):
            grid.add_row(*shown[left : left + 2])
        parts.append(grid)
    return Group(*parts) if len(parts) != 1 else parts[0]


def _quotes(obj: object) -> bool:
    text = obj.get("text") if isinstance(obj, Mapping) else None
    return isinstance(text, str) and (text.startswith(">") or "\n>" in text)


def _context_element(item: object, names: Names) -> Text:
    if isinstance(item, Mapping) and item.get("type") == "image":
        return Text(safe(f"[{item.get('alt_text', 'image')}]"))
    return text_of(item, names)


def element(item: object, names: Names = NO_NAMES) -> Text:
    """An interactive element as it would sit on the screen: [ Button ], [ Pick ▾ ]."""
    if not isinstance(item, Mapping):
        return Text("[ ? ]", style="dim")
    kind = str(item.get("type", ""))
    if kind == "button":
        label = text_of(item.get("text"), names)
        style = BUTTON_STYLES.get(str(item.get("style")), "bold")
        return Text.assemble("[ ", label, " ]", style=style)
    if kind in ("users_select", "conversations_select", "channels_select"):
        chosen = item.get("initial_user") or item.get("initial_conversation")
        chosen = chosen or item.get("initial_channel")
        shown = _chosen_name(kind, chosen, names) if chosen else None
        return _select(Text(safe(shown)) if shown else text_of(item.get("placeholder"), names))
    if kind == "multi_users_select":
        users = [names.user(str(u)) for u in _list(item.get("initial_users"))]
        return _select(Text(safe(", ".join(users))) if users else _placeholder(item, names))
    if kind in ("static_select", "external_select"):
        initial = item.get("initial_option")
        if isinstance(initial, Mapping):
            return _select(text_of(initial.get("text"), names))
        return _select(_placeholder(item, names))
    if kind == "overflow":
        return Text("[ … ]", style="bold")
    if kind in ("datepicker", "timepicker", "datetimepicker"):
        initial = item.get("initial_date") or item.get("initial_time") or ""
        return _select(Text(safe(initial)) if initial else _placeholder(item, names))
    if kind == "plain_text_input":
        initial = item.get("initial_value")
        if initial:
            return Text.assemble("[ ", Text(safe(initial)), " ]")
        hint = _placeholder(item, names)
        hint.stylize("dim")
        return Text.assemble("[ ", hint, " ]")
    return Text(safe(f"[ {kind} ]"), style="dim")


def _chosen_name(kind: str, chosen: object, names: Names) -> str:
    return names.user(str(chosen)) if kind == "users_select" else names.channel(str(chosen))


def _placeholder(item: Mapping[str, Any], names: Names) -> Text:
    return text_of(item.get("placeholder"), names) or Text("choose")


def _select(shown: Text) -> Text:
    return Text.assemble("[ ", shown, " ▾ ]")


def _input(item: Mapping[str, Any], names: Names, values: Mapping[str, Any]) -> RenderableType:
    label = Text.assemble(text_of(item.get("label"), names), style="bold")
    if item.get("optional"):
        label.append(" (optional)", style="dim")
    parts: list[RenderableType] = [label]
    field_element = item.get("element")
    answer = _answer(values.get(str(item.get("block_id", ""))), field_element)
    if isinstance(field_element, Mapping) and field_element.get("type") in (
        "radio_buttons",
        "checkboxes",
    ):
        picked = _picked(answer)
        radio = field_element.get("type") == "radio_buttons"
        for choice in _list(field_element.get("options")):
            choice = choice if isinstance(choice, Mapping) else {}
            mark = "•" if choice.get("value") in picked else " "
            box = f"({mark})" if radio else f"[{'x' if mark != ' ' else ' '}]"
            parts.append(Text.assemble(f"  {box} ", text_of(choice.get("text"), names)))
    else:
        shown = _filled(field_element, answer)
        parts.append(Padding(element(shown, names), (0, 0, 0, 2)))
    hint = item.get("hint")
    if hint:
        parts.append(Padding(text_of(hint, names), (0, 0, 0, 2), style="dim"))
    return Group(*parts)


def _answer(by_action: object, field_element: object) -> Mapping[str, Any]:
    """The submitted state of an input block's element, if the modal was filled in."""
    if not isinstance(by_action, Mapping) or not isinstance(field_element, Mapping):
        return {}
    state = by_action.get(str(field_element.get("action_id", "")))
    return state if isinstance(state, Mapping) else {}


def _picked(answer: Mapping[str, Any]) -> set[str]:
    chosen = [answer.get("selected_option"), *_list(answer.get("selected_options"))]
    return {str(o.get("value")) for o in chosen if isinstance(o, Mapping)}


def _filled(field_element: object, answer: Mapping[str, Any]) -> object:
    """The element as it looks with the submitted answer in it."""
    if not isinstance(field_element, Mapping) or not answer:
        return field_element
    filled = dict(field_element)
    if answer.get("value"):
        filled["initial_value"] = answer["value"]
    if answer.get("selected_user"):
        filled["initial_user"] = answer["selected_user"]
    if answer.get("selected_users"):
        filled["initial_users"] = answer["selected_users"]
    chosen = answer.get("selected_option")
    if isinstance(chosen, Mapping):
        offered = [o for o in _list(filled.get("options")) if isinstance(o, Mapping)]
        same = [o for o in offered if o.get("value") == chosen.get("value")]
        filled["initial_option"] = chosen if "text" in chosen or not same else same[0]
    return filled


def _rich_text(item: Mapping[str, Any]) -> str:
    pieces: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            if isinstance(node.get("text"), str):
                pieces.append(node["text"])
            for child in _list(node.get("elements")):
                walk(child)

    walk(item)
    return "".join(pieces)


# -- what a person sees ---------------------------------------------------------------------


def message(payload: Mapping[str, Any], names: Names = NO_NAMES) -> RenderableType:
    """A message as Slack shows it: its blocks, or its text when it has none."""
    if _list(payload.get("blocks")):
        return blocks(payload.get("blocks"), names)
    return paragraphs(payload.get("text", ""), names)


def view(
    payload: Mapping[str, Any], names: Names = NO_NAMES, values: Mapping[str, Any] | None = None
) -> RenderableType:
    """A modal or Home tab; a modal gets its title and its Cancel / Submit buttons, and
    shows `values` (a view_submission's state) in its inputs."""
    body = blocks(payload.get("blocks"), names, values)
    if payload.get("type") != "modal":
        return body
    foot = Text(" ").join(
        element({"type": "button", "text": payload[key], "style": style}, names)
        for key, style in (("close", None), ("submit", "primary"))
        if isinstance(payload.get(key), Mapping)
    )
    title = Text.assemble(text_of(payload.get("title"), names), style="bold")
    return Group(title, Rule(style="dim"), body, Rule(style="dim"), Text.assemble(foot))


def card(body: RenderableType, where: str, who: str = "", when: str = "", note: str = "") -> Panel:
    """A framed screen: where it is (a channel, a DM, a modal), who sees it, and their
    local time."""
    title = Text(safe(where), style="bold")
    if note:
        title.append(f"  {safe(note)}", style="italic")
    subtitle = " · ".join(safe(part) for part in (who, when) if part)
    return Panel(
        body,
        title=title,
        title_align="left",
        subtitle=Text(subtitle, style="dim") if subtitle else None,
        subtitle_align="right",
        padding=(0, 1),
    )


def as_plain_text(renderable: RenderableType, width: int = 100) -> str:
    """What the renderable prints as on a terminal with no colour: for tests and logs."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        no_color=True,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )
    console.print(renderable)
    return buffer.getvalue()
