"""How `renewd init` asks: one question at a time on the terminal or from standard input (a
script, a test, a container's `docker run -i`), each answer checked and asked again until it
is right; with `--yes` nothing is asked and every question takes its default (one without a
default is an error naming its flag).

Secrets are read without echo on a terminal (`getpass`), else as a plain line from stdin: never
from an argument, which `ps` and shell history would show. The checks (`email_problem`, ...)
serve the flags too, so a flag and an answer are refused in the same words.
"""

from __future__ import annotations

import getpass
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence

from renewd.core.errors import UsageError
from renewd.core.model import Lang
from renewd.core.wording import say
from renewd.roster.cells import CellError, parse_email
from renewd.store.accounts import MIN_PASSWORD, NAME_PATTERN

Check = Callable[[str], str | None]  # a problem in words, or None
_SPLIT = re.compile(r"[,，;；、\s]+")
_HOST = re.compile(r"^[A-Za-z0-9._:\[\]-]+$")
_URL = re.compile(r"^https?://[^/\s]+")


def split_list(text: str) -> list[str]:
    """ "a@x.com, b@x.com" (commas, Chinese commas, semicolons, spaces) as a list."""
    return [part for part in _SPLIT.split(text.strip()) if part]


class Checks:
    """The checks of answers and flags, worded in `lang`."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def say(self, key: str, **values: object) -> str:
        return say(self.lang, key, **values)

    def required(self, text: str) -> str | None:
        return None if text.strip() else self.say("init.bad.empty")

    def org(self, text: str, limit: int) -> str | None:
        """A name that can stand before an address ("名称 <hr@x>"): no <>", no control."""
        text = text.strip()
        if not text:
            return self.say("init.bad.empty")
        odd = set(text) & set('<>"') or any(unicodedata.category(c).startswith("C") for c in text)
        return self.say("init.bad.org", n=limit) if len(text) > limit or odd else None

    def email(self, text: str) -> str | None:
        try:
            parse_email(text)
        except CellError:
            return self.say("init.bad.email", value=text)
        return None

    def emails(self, text: str) -> str | None:
        """A list of addresses, or "-" (none)."""
        if text.strip() == self.say("init.none"):
            return None
        found = split_list(text)
        if not found:
            return self.say("init.bad.empty")
        return next((p for p in map(self.email, found) if p), None)

    def host(self, text: str) -> str | None:
        ok = _HOST.match(text.strip()) and "://" not in text
        return None if ok else self.say("init.bad.host", value=text)

    def mode(self, text: str) -> str | None:
        return None if text in ("ssl", "starttls", "plain") else self.say("init.bad.mode")

    def port(self, text: str) -> str | None:
        ok = text.isdigit() and 1 <= int(text) <= 65535
        return None if ok else self.say("init.bad.port")

    def listen(self, text: str) -> str | None:
        host, sep, port = text.rpartition(":")
        ok = sep and host and self.port(port) is None
        return None if ok else self.say("init.bad.listen")

    def url(self, text: str) -> str | None:
        return None if _URL.match(text.strip()) else self.say("init.bad.url")

    def account(self, text: str) -> str | None:
        return None if re.match(NAME_PATTERN, text) else self.say("init.bad.account")

    def department(self, text: str, seen: Sequence[str]) -> str | None:
        bad = text in seen or any(unicodedata.category(c).startswith("C") for c in text)
        return self.say("init.bad.department", value=text) if bad else None


class Asker:
    """Questions and answers in `lang`; `assume` (--yes): never ask, take the defaults."""

    def __init__(self, lang: Lang, assume: bool) -> None:
        self.lang = lang
        self.assume = assume
        self.checks = Checks(lang)

    def say(self, key: str, **values: object) -> str:
        return say(self.lang, key, **values)

    def _line(
        self,
        prompt: str,
        question: str,
        flag: str,
        echo: bool = True,
        conceal: Callable[[str], str] | None = None,
    ) -> str:
        """One line of input. From a pipe (a script, a test) the answer is echoed after the
        prompt, so the output reads as the dialogue it was; a secret is never echoed, and an
        answer that may hold one (a robot's address) is echoed as `conceal` shows it."""
        try:
            line = input(prompt)
        except EOFError:
            print()
            raise UsageError(self.say("init.eof", question=question, flag=flag)) from None
        if not sys.stdin.isatty():
            shown = conceal(line.strip()) if conceal else line.strip()
            print(shown if echo else "")
        return line

    def ask(
        self,
        key: str,
        flag: str,
        default: str | None = None,
        check: Check | None = None,
        conceal: Callable[[str], str] | None = None,
        **values: object,
    ) -> str:
        """The answer to question `key` (`init.q.KEY`), or its default on an empty line."""
        question = self.say(f"init.q.{key}", **values)
        if self.assume:
            if default is None:
                raise UsageError(self.say("init.missing", question=question, flag=flag))
            return default
        shown = f" [{default}]" if default else ""
        while True:
            answer = self._line(f"{question}{shown}: ", question, flag, conceal=conceal).strip()
            answer = answer or default or ""
            problem = check(answer) if check else None
            if problem is None:
                return answer
            print(f"  {problem}")

    def secret(self, key: str, flag: str, confirm: bool = False, check: Check | None = None) -> str:
        """A secret (`init.q.KEY`): not echoed on a terminal; empty is an answer (none)."""
        question = self.say(f"init.q.{key}")
        if self.assume:
            return ""
        while True:
            first = self._secret_line(question, flag)
            problem = check(first) if check and first else None
            again = problem is None and confirm and first and sys.stdin.isatty()
            if again and self._secret_line(self.say("init.q.again"), flag) != first:
                problem = self.say("init.bad.differ")
            if problem is None:
                return first
            print(f"  {problem}")

    def _secret_line(self, question: str, flag: str) -> str:
        if sys.stdin.isatty():
            return getpass.getpass(f"{question}: ")
        return self._line(f"{question}: ", question, flag, echo=False).strip()

    def confirm(self, key: str, default: bool, **values: object) -> bool:
        """A yes/no question; either language's words are understood."""
        question = self.say(f"init.q.{key}", **values)
        if self.assume:
            return default
        yes = {w for lang in Lang for w in say(lang, "init.yes_words").split()}
        no = {w for lang in Lang for w in say(lang, "init.no_words").split()}
        shown = self.say("init.yn.yes" if default else "init.yn.no")
        while True:
            answer = self._line(f"{question} {shown} ", question, "--yes").strip().lower()
            if not answer:
                return default
            if answer in yes or answer in no:
                return answer in yes
            print(f"  {self.say('init.yn.bad')}")

    def password_check(self, text: str) -> str | None:
        return self.say("init.bad.short", n=MIN_PASSWORD) if len(text) < MIN_PASSWORD else None
