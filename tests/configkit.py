"""The configuration-error fixtures of the suite, in one table: `test_settings` checks that each
names its file and key, `test_reload_agreement` that `renewd check`, the daemon's start-up and
SIGHUP all refuse it.

Each text is a whole configuration whose roster is `people.csv` beside it (the SIGHUP test keeps
the running daemon's `[state]` and `[server]`, as a reload does).
"""

from __future__ import annotations

from dataclasses import dataclass

MINIMAL = """
[roster]
files = ["people.csv"]
"""


@dataclass(frozen=True)
class BadConfig:
    """A configuration `load_settings` refuses (exit 78), and where it says the problem is."""

    id: str
    text: str
    field: str | None  # the one problem's key; None: not asserted (several, or the whole file)
    message: str


CONFIG_ERRORS = [
    BadConfig(
        "typo", MINIMAL + "[policy]\nwindow_dayz = 30\n", "policy.window_dayz", "unknown key"
    ),
    BadConfig(
        "owner-typo",
        MINIMAL + '[policy.owners]\nprepar = "employer"\n',
        "policy.owners.prepar",
        "unknown key",
    ),
    BadConfig(
        "owner-value",
        MINIMAL + '[policy.owners]\nprepare = "boss"\n',
        "policy.owners.prepare",
        "'holder'",
    ),
    BadConfig(
        "not-integer", MINIMAL + '[policy]\nwindow_days = "soon"\n', "policy.window_days", "integer"
    ),
    BadConfig(
        "unknown-escalation",
        MINIMAL + '[notify]\nescalate_to = ["nope"]\n',
        None,
        "unknown channel 'nope'",
    ),
    BadConfig("no-files", "[roster]\nfiles = []\n", "roster.files", "at least 1"),
    BadConfig("empty", "", "roster", "Field required"),
    BadConfig("listen", MINIMAL + '[server]\nlisten = "8765"\n', "server.listen", "HOST:PORT"),
    BadConfig("zone", 'timezone = "Mars/Olympus"\n' + MINIMAL, "timezone", "unknown time zone"),
    BadConfig(
        "no-such-date",
        MINIMAL + '[calendar.years.2027]\noff = ["2027-02-30"]\n',
        "calendar.years.2027.off",
        "not a date",
    ),
    BadConfig(
        "channel-type",
        MINIMAL + '[[channels]]\nname = "m"\ntype = "sms"\n',
        "channels.0",
        "unknown channel type 'sms'",
    ),
    BadConfig(
        "channel-secret",
        MINIMAL + '[[channels]]\nname = "tg"\ntype = "telegram"\n',
        "channels.0.bot_token",
        "telegram needs a bot_token",
    ),
    BadConfig(
        "digest-route",
        MINIMAL + '[[channels]]\nname = "tg"\ntype = "telegram"\nbot_token = "1:x"\n'
        '[groups."研发部"]\nchannels = ["tg"]\n',
        "groups.研发部.channels",
        "no recipients for digests",
    ),
    # Issue 18, defect 4: `check` passed an extra feed named like the feed of everyone.
    BadConfig(
        "extra-feed-all",
        MINIMAL + '[[feeds.extra]]\nname = "all"\ngroups = ["研发部"]\n',
        "feeds.extra.0.name",
        "the name of the feed of everyone",
    ),
    BadConfig(
        "extra-feeds-twice",
        MINIMAL + '[[feeds.extra]]\nname = "hr"\n[[feeds.extra]]\nname = "hr"\n',
        "feeds.extra",
        "two extra feeds are named 'hr'",
    ),
]


@dataclass(frozen=True)
class Clash:
    """A configuration valid on its own whose extra feed takes the name of a feed the roster
    (`ROSTER`) defines: `check` refuses the pair (65, naming the row), start-up serves no
    roster, and SIGHUP refuses the configuration (the roster in force is fine)."""

    id: str
    text: str
    row: str  # where the clash is, as `check` and /healthz name it
    name: str


ROSTER = "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-03-15\n1002,李四,市场部,2027-04-20\n"

CLASHES = [
    Clash(
        "extra-feed-person",
        MINIMAL + '[[feeds.extra]]\nname = "person-1001"\ngroups = ["研发部"]\n',
        "row 2",
        "person-1001",
    ),
    Clash(
        "extra-feed-group",
        MINIMAL + '[[feeds.extra]]\nname = "group-市场部"\ngroups = ["研发部"]\n',
        "row 3",
        "group-市场部",
    ),
]
