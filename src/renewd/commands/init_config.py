"""What `renewd init` learned (`Setup`), and the commented `config.toml` it writes from it.

The file says the SMTP server once (`[smtp]`), one personal email channel for the employees, one
HR mailbox channel per distinct set of addresses (departments that share a mailbox share its
channel, so HR gets one digest for them), one channel per group robot (`init_robots`; shared the
same way), an escalation channel, and a `[groups."部门"]` table per department. Every comment
comes from the wording catalogue in the setup's language. No secret is ever written here: the
file names where the SMTP password is.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from renewd.commands.init_robots import Robot
from renewd.core.model import Lang
from renewd.core.wording import say

COMMENT_COLUMN = 33  # trailing comments line up, as in config.example.toml
WIDTH = 100  # columns on a terminal; a wide (Chinese) character takes two
PERSONAL = "mail"
ESCALATION = "escalation"


@dataclass(frozen=True)
class Mailbox:
    """One HR mailbox channel: its name, its addresses, the departments it serves."""

    name: str
    to: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class RobotChannel:
    """One group robot channel: its name, the robot, the departments it serves."""

    name: str
    robot: Robot
    groups: tuple[str, ...]

    def secrets(self) -> dict[str, str]:
        """The credential files it needs (`<channel>.<key>`) and what goes in each."""
        found = {f"{self.name}.robot_key": self.robot.key}
        if self.robot.secret:
            found[f"{self.name}.secret"] = self.robot.secret
        return found


@dataclass(frozen=True)
class Setup:
    """Every answer of `renewd init`, checked; paths absolute."""

    lang: Lang
    org: str
    config: Path
    roster: Path
    state_dir: str
    listen: str
    base_url: str
    smtp_host: str
    smtp_port: int
    smtp_mode: str
    smtp_sender: str  # the bare address; its display name is the signature
    smtp_user: str | None
    credentials: Path
    login: bool  # the server wants a password (`smtp.password`)
    day: dt.date
    departments: tuple[str, ...] = ()
    hr: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # department -> addresses
    escalate: tuple[str, ...] = ()
    robots: Mapping[str, Robot] = field(default_factory=dict)  # department -> its group robot

    @property
    def signature(self) -> str:
        return say(self.lang, "init.signature", org=self.org)

    @property
    def sender(self) -> str:
        return f"{self.signature} <{self.smtp_sender}>"

    @property
    def password_file(self) -> Path:
        return self.credentials / "smtp.password"

    def robot_channels(self) -> list[RobotChannel]:
        """Departments with the same robot share one channel, in roster order."""
        by_robot: dict[Robot, list[str]] = {}
        for group in self.departments:
            robot = self.robots.get(group)
            if robot is not None:
                by_robot.setdefault(robot, []).append(group)
        counts = {
            kind: [r.type for r in by_robot].count(kind) for kind in {r.type for r in by_robot}
        }
        made: list[RobotChannel] = []
        for robot, groups in by_robot.items():
            number = sum(1 for c in made if c.robot.type == robot.type) + 1
            name = f"{robot.type}-robot" + (f"-{number}" if counts[robot.type] > 1 else "")
            made.append(RobotChannel(name, robot, tuple(groups)))
        return made

    def mailboxes(self) -> list[Mailbox]:
        """Departments with the same HR addresses share one channel, in roster order."""
        by_to: dict[tuple[str, ...], list[str]] = {}
        for group in self.departments:
            to = self.hr.get(group, ())
            if to:
                by_to.setdefault(to, []).append(group)
        names = ["hr-mail"] if len(by_to) == 1 else [f"hr-mail-{n + 1}" for n in range(len(by_to))]
        return [
            Mailbox(name, to, tuple(groups))
            for name, (to, groups) in zip(names, by_to.items(), strict=True)
        ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _value(value: object) -> str:
    """A TOML value: JSON's strings, numbers, booleans and arrays are valid TOML."""
    return json.dumps(value, ensure_ascii=False)


class _Writer:
    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.lines: list[str] = []

    def comment(self, key: str, **values: object) -> None:
        for line in say(self.lang, key, **values).splitlines():
            self.lines.append(f"# {line}")

    def key(self, name: str, value: object, comment: str | None = None, **values: object) -> None:
        line = f"{name} = {_value(value)}"
        if comment:
            text = say(self.lang, comment, **values)
            beside = f"{line.ljust(COMMENT_COLUMN - 1)} # {text}"
            if line.isascii() and len(line) < COMMENT_COLUMN - 1 and _width(beside) <= WIDTH:
                line = beside
            else:  # a long or wide line, or a long comment: the comment goes above it
                self.comment(comment, **values)
        self.lines.append(line)

    def table(self, header: str, comment: str | None = None, **values: object) -> None:
        self.lines.append("")
        if comment:
            self.comment(comment, **values)
        self.lines.append(header)


def _relative(path: Path, base: Path) -> str:
    """`path` relative to the config's folder when it is inside it (the file moves with it)."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def render(setup: Setup) -> str:
    """The configuration file's text."""
    w = _Writer(setup.lang)
    base = setup.config.parent
    w.comment("init.toml.head", day=setup.day.isoformat(), org=setup.org)
    if setup.login:
        where = setup.password_file
        w.comment("init.toml.secrets", path=where, dir=setup.credentials)
    else:
        w.comment("init.toml.no_secrets")
    w.lines.append("")
    w.key("timezone", "Asia/Shanghai")
    w.key("language", setup.lang.value, "init.toml.language")

    w.table("[roster]")
    w.key("files", [_relative(setup.roster, base)], "init.toml.roster")
    w.table("[state]")
    w.key("dir", setup.state_dir, "init.toml.state")
    w.table("[server]")
    w.key("listen", setup.listen, "init.toml.listen")
    w.key("base_url", setup.base_url, "init.toml.base_url")

    w.table("[notify]")
    w.key("send_at", "09:30", "init.toml.send_at")
    w.key("workdays_only", True, "init.toml.workdays_only")
    w.key("signature", setup.signature, "init.toml.signature")
    if setup.escalate:
        w.key("escalate_to", [ESCALATION], "init.toml.escalate")

    w.table("[smtp]", "init.toml.smtp")
    w.key("host", setup.smtp_host)
    w.key("port", setup.smtp_port)
    w.key("mode", setup.smtp_mode)
    if setup.smtp_user:
        w.key("user", setup.smtp_user)
    w.key("sender", setup.sender)

    w.table("[[channels]]", "init.toml.mail")
    w.key("name", PERSONAL)
    w.key("type", "email")
    mailboxes = setup.mailboxes()
    sep = say(setup.lang, "init.list_sep")
    for box in mailboxes:
        w.table("[[channels]]", "init.toml.hr", groups=sep.join(box.groups))
        w.key("name", box.name)
        w.key("type", "email")
        w.key("to", list(box.to))
    robots = setup.robot_channels()
    for robot in robots:
        kind = say(setup.lang, f"init.robot.{robot.robot.type}")
        files = sep.join(str(setup.credentials / name) for name in robot.secrets())
        w.table("[[channels]]", "init.toml.robot", groups=sep.join(robot.groups), kind=kind)
        w.comment("init.toml.robot_secret", files=files)
        w.key("name", robot.name)
        w.key("type", robot.robot.type)
        if robot.robot.base:
            w.key(robot.robot.base_key, robot.robot.base)
    if setup.escalate:
        w.table("[[channels]]", "init.toml.escalation")
        w.key("name", ESCALATION)
        w.key("type", "email")
        w.key("to", list(setup.escalate))

    if setup.departments:
        w.lines.append("")
        w.comment("init.toml.groups")
    served = {group: box.name for box in mailboxes for group in box.groups}
    served.update({group: c.name for c in robots for group in c.groups})
    for group in setup.departments:
        channel = served.get(group)
        w.table(f"[groups.{_value(group)}]", None if channel else "init.toml.no_hr", group=group)
        w.key("channels", [channel] if channel else [])
    return "\n".join(w.lines) + "\n"
