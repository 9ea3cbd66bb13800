"""`renewd init`: a guided setup that writes a commented configuration (issue 19).

It asks what an HR specialist knows (`init_answers`), in Chinese unless `--lang en`, and every
question has a flag, so a script or a container runs it without a terminal (`--yes` takes the
defaults). Then it writes, in this order and never over a file the user did not agree to lose:

- the configuration (`init_config.render`), only over an existing one with `--force` or a "yes";
- the SMTP password to `<credentials>/smtp.password` (mode 0600, its folder 0700): the credentials
  directory renewd reads as `$CREDENTIALS_DIRECTORY`; never into the configuration; so too each
  group robot's key and signing secret (`<channel>.robot_key`, `<channel>.secret`);
- a roster template (CSV or XLSX, `renewd.roster.template`) where the roster file does not exist;
- a console admin in the state database (unless that account exists);

then runs `renewd check` on what it wrote and offers `renewd notify --test`. Exit: 0, or
`check`'s code, or 75 when the test mail failed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from renewd import clock
from renewd.commands.app import App
from renewd.commands.args import department_mailbox
from renewd.commands.check import run as run_check
from renewd.commands.init_answers import Password, answer, gather, state_path
from renewd.commands.init_ask import Asker
from renewd.commands.init_config import ESCALATION, PERSONAL, Setup, render
from renewd.commands.notify import send_tests
from renewd.core.errors import EX_TEMPFAIL, RenewdError, UsageError
from renewd.core.model import Lang
from renewd.roster.template import example_row, write_template
from renewd.settings import config_path
from renewd.store.accounts import Accounts
from renewd.store.database import DB_NAME, Database

ZONE = "Asia/Shanghai"  # the configuration it writes; init runs before there is one
EX_CANTCREAT = 73  # sysexits: the configuration exists and may not be overwritten
EXAMPLE_EXPIRES_DAYS = 200  # the example row's permit expires this far ahead


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "init",
        parents=[parent],
        help="guided setup: write a commented configuration",
        description="Ask what an HR specialist knows (organisation, roster file or a template,"
        " the SMTP server once, each department's HR mailbox, the escalation contact, a console"
        " admin), write a commented configuration (-c, default $RENEWD_CONFIG or"
        " /etc/renewd/config.toml), the SMTP password to a 0600 file in the credentials"
        " directory, a roster template where the roster does not exist; then run `check` and"
        " offer `notify --test`. Every question has a flag; with --yes nothing is asked. An"
        " existing configuration is overwritten only with --force or a yes.",
    )
    parser.add_argument(
        "--lang",
        choices=[lang.value for lang in Lang],
        default="zh",
        help="the questions' and the configuration's language (default zh)",
    )
    parser.add_argument(
        "-y", "--yes", action="store_true", help="ask nothing: the defaults for what no flag gives"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing config")
    parser.add_argument("--org", metavar="NAME", help="organisation name (signs messages)")
    parser.add_argument(
        "--roster",
        metavar="FILE",
        help="roster file; one that does not exist becomes a template (.xlsx, .csv)",
    )
    parser.add_argument(
        "--department",
        action="append",
        metavar="NAME",
        help="a department, for a new roster template (repeat)",
    )
    parser.add_argument("--smtp-host", metavar="HOST")
    parser.add_argument("--smtp-mode", metavar="MODE", help="ssl (default), starttls or plain")
    parser.add_argument("--smtp-port", type=int, metavar="PORT", help="default by mode")
    parser.add_argument("--smtp-sender", metavar="ADDRESS", help="the sender's address")
    parser.add_argument("--smtp-user", metavar="NAME", help="login (default: the sender)")
    parser.add_argument(
        "--smtp-password-file",
        metavar="FILE",
        help="read the SMTP password from FILE (empty: no login); or set RENEWD_SMTP_PASSWORD",
    )
    parser.add_argument(
        "--hr",
        action="append",
        type=department_mailbox,
        metavar="DEPARTMENT=ADDRESS[,ADDRESS]",
        help="a department's HR mailbox, or its DingTalk, Feishu or WeCom group robot's webhook"
        " address (a signing secret after a space; repeat; empty: none)",
    )
    parser.add_argument(
        "--escalate", metavar="ADDRESS[,ADDRESS]", help="the escalation contact (- for none)"
    )
    parser.add_argument("--base-url", metavar="URL", help="the address phones open")
    parser.add_argument("--listen", metavar="HOST:PORT", help="default 127.0.0.1:8765")
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help="default /var/lib/renewd for a config in /etc, else ./state beside it",
    )
    parser.add_argument(
        "--credentials",
        metavar="DIR",
        help="where secrets go (default $CREDENTIALS_DIRECTORY, else"
        " credentials/ beside the config)",
    )
    parser.add_argument("--admin", metavar="NAME", help="console admin account (default admin)")
    parser.add_argument(
        "--admin-password-file",
        metavar="FILE",
        help="its password (default: asked, or made up and printed once)",
    )
    parser.add_argument(
        "--test",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="send a test mail after the check (default: asked; yes with --yes)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang = Lang(args.lang)
    ask = Asker(lang, args.yes)
    config = config_path(args.config).expanduser().absolute()
    print(ask.say("init.hello", path=config))
    if config.exists() and not args.force:
        if ask.assume:
            print(ask.say("init.exists.refused", path=config))
            return EX_CANTCREAT
        if not ask.confirm("overwrite", False, path=config):
            print(ask.say("init.exists.kept", path=config))
            return 0
    now = clock.now(ZONE)
    setup, password = gather(ask, args, config, now.date())
    admin, admin_password = _admin_answers(ask, args, state_path(config, setup.state_dir))

    _write_config(setup)
    print(ask.say("init.wrote.config", path=config))
    _write_password(ask, setup, password)
    _write_robot_secrets(ask, setup)
    if not setup.roster.exists():
        group = setup.departments[0] if setup.departments else None
        expires = now.date() + dt.timedelta(days=EXAMPLE_EXPIRES_DAYS)
        row = example_row(lang, expires, group)
        write_template(setup.roster, row, ask.say("init.example.sheet"), now)
        print(ask.say("init.template.made", path=setup.roster, name=row["name"]))
    if admin is not None:
        _make_admin(ask, setup, admin, admin_password, now)

    with _credentials(setup, password):
        code = _check(ask, setup)
        if code == 0:
            code = _offer_test(ask, args, setup)
    _next_steps(ask, setup, password)
    return code


def _admin_answers(
    ask: Asker, args: argparse.Namespace, state: Path
) -> tuple[str | None, str | None]:
    """(account, password): None for an account that exists (it is left alone); a password
    None is made up when the account is created."""
    name = answer(ask, args.admin, "admin", "--admin", ask.checks.account, "admin")
    if (state / DB_NAME).exists():
        db = Database.in_dir(state)
        try:
            exists = Accounts(db).get(name) is not None
        finally:
            db.close()
        if exists:
            print(ask.say("init.admin.exists", name=name))
            return None, None
    if args.admin_password_file:
        try:
            typed = Path(args.admin_password_file).read_text(encoding="utf-8").strip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--admin-password-file: {exc}") from None
        problem = ask.password_check(typed)
        if problem:
            raise UsageError(f"--admin-password-file: {problem}")
        return name, typed
    typed = ask.secret("admin_password", "--admin-password-file", True, ask.password_check)
    return name, typed or None


def _atomic_write(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_config(setup: Setup) -> None:
    try:
        _atomic_write(setup.config, render(setup), 0o644)  # no secret in it; the service reads it
    except OSError as exc:
        raise UsageError(f"{setup.config}: {exc.strerror}") from None


def _write_password(ask: Asker, setup: Setup, password: Password) -> None:
    if password.from_env:
        print(ask.say("init.secret.env"))
    elif password.kept:
        print(ask.say("init.secret.kept", path=setup.password_file))
    elif password.value:
        try:
            setup.credentials.mkdir(mode=0o700, parents=True, exist_ok=True)
            _atomic_write(setup.password_file, password.value + "\n", 0o600)
        except OSError as exc:
            raise UsageError(f"{setup.password_file}: {exc.strerror}") from None
        print(ask.say("init.wrote.secret", path=setup.password_file))


def _write_robot_secrets(ask: Asker, setup: Setup) -> None:
    """Each robot's key and signing secret, 0600 in the credentials directory (never printed)."""
    for channel in setup.robot_channels():
        for name, value in channel.secrets().items():
            path = setup.credentials / name
            try:
                setup.credentials.mkdir(mode=0o700, parents=True, exist_ok=True)
                _atomic_write(path, value + "\n", 0o600)
            except OSError as exc:
                raise UsageError(f"{path}: {exc.strerror}") from None
            print(ask.say("init.wrote.robot", path=path))


def _make_admin(
    ask: Asker, setup: Setup, name: str, password: str | None, now: dt.datetime
) -> None:
    made_up = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        db = Database.in_dir(state_path(setup.config, setup.state_dir))
        try:
            Accounts(db).add(name, password, groups=frozenset(), admin=True, now=now)
        finally:
            db.close()
    except RenewdError as exc:
        print(ask.say("init.admin.failed", reason=exc.message, name=name, config=setup.config))
        return
    if made_up:
        print(ask.say("init.admin.made_with", name=name, password=password))
    else:
        print(ask.say("init.admin.made", name=name))


@contextlib.contextmanager
def _credentials(setup: Setup, password: Password) -> Iterator[None]:
    """`CREDENTIALS_DIRECTORY` = where the password was written, while init checks and tests
    what it wrote (as the service will see it through LoadCredential=)."""
    if (password.from_env or not setup.login) and not setup.robots:
        yield
        return
    before = os.environ.get("CREDENTIALS_DIRECTORY")
    os.environ["CREDENTIALS_DIRECTORY"] = str(setup.credentials)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CREDENTIALS_DIRECTORY", None)
        else:
            os.environ["CREDENTIALS_DIRECTORY"] = before


def _check(ask: Asker, setup: Setup) -> int:
    print(ask.say("init.check"))
    try:
        code = run_check(argparse.Namespace(config=str(setup.config), today=None))
    except RenewdError as exc:
        print(f"renewd: {exc}")
        code = exc.exit_code
    if code:
        print(ask.say("init.check.failed", path=setup.config))
    return code


def _offer_test(ask: Asker, args: argparse.Namespace, setup: Setup) -> int:
    robots = setup.robot_channels()
    fixed = [box.name for box in setup.mailboxes()] + ([ESCALATION] if setup.escalate else [])
    fixed += [channel.name for channel in robots]
    to = [a for box in setup.mailboxes() for a in box.to] + list(setup.escalate)
    to += [channel.name for channel in robots]
    sep = ask.say("init.list_sep")
    shown = sep.join(dict.fromkeys(to)) if fixed else setup.smtp_sender
    wanted = args.test if args.test is not None else ask.confirm("test", True, to=shown)
    if not wanted:
        print(ask.say("init.test.later", path=setup.config))
        return 0
    print(ask.say("init.test.sending"))
    app = App.load(setup.config)
    if fixed:
        codes = [send_tests(app, name, None) for name in fixed]
    else:
        codes = [send_tests(app, PERSONAL, setup.smtp_sender)]
    if any(codes):
        print(ask.say("init.test.failed", path=setup.config))
        return EX_TEMPFAIL
    return 0


def _next_steps(ask: Asker, setup: Setup, password: Password) -> None:
    print()
    print(ask.say("init.next"))
    print(ask.say("init.next.roster", path=setup.roster))
    if setup.login and not password.from_env:
        print(ask.say("init.next.creds", path=setup.password_file, dir=setup.credentials))
    print(ask.say("init.next.run", path=setup.config))
    print(ask.say("init.next.console", url=setup.base_url))
