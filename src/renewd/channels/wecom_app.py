"""The WeCom app channel (企业微信自建应用): each person at his `wecom_user`, HR at `to` or
`to_party`, with one access token kept for the channel's lifetime (the daemon keeps its channels
across passes, so the token is fetched about once every two hours, not once per pass)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from renewd.channels import wecom
from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType, WecomSettings
from renewd.core.letter import Format, Message
from renewd.core.model import Person

log = logging.getLogger(__name__)


class WecomAppChannel(Channel):
    """A WeCom self-built app (企业微信自建应用): `corp_id`, `agent_id` and the app's `secret`.

    Each person is reached at his roster `wecom_user` (the WeCom userid); with `to` (userids, or
    "@all" for everyone who can see the app) or `to_party` (department ids) the channel is also
    a fixed destination for digests. The access token is fetched once and shared until shortly
    before it expires; when WeCom refuses it (40001, 40014, 42001) it is fetched again and the
    message sent once more.
    """

    type = ChannelType.WECOM
    format = Format.MARKDOWN
    default_max_bytes = 1800  # leaves room for the title within the limit below
    default_concurrency = 4  # WeCom limits messages per person (30 a minute), not per app
    limit = 2048  # message/send: markdown and text content at most 2048 bytes

    def __init__(
        self, settings: WecomSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(settings)
        base = (settings.api_url or wecom.WECOM_API).rstrip("/")
        self._url = f"{base}/cgi-bin/message/send"
        self._agent_id = settings.agent_id or 0
        self._to = settings.to
        self._to_party = settings.to_party
        self._token = wecom.AccessToken(base, settings.corp_id or "", settings.secret or "", clock)

    def address(self, person: Person) -> str | None:
        return person.wecom_user or None

    def _targets(self, recipient: str) -> dict[str, str]:
        if recipient:
            return {"touser": recipient}
        targets = {"touser": "|".join(self._to), "toparty": "|".join(self._to_party)}
        return {key: value for key, value in targets.items() if value}

    def _send(self, message: Message, recipient: str) -> Result:
        targets = self._targets(recipient)
        if not targets:
            return Result(False, f"channel {self.name} has no `to` or `to_party` for HR")
        payload = {**targets, "agentid": self._agent_id, **wecom.content(message, self.limit)}
        try:
            token = self._token.get()
            try:
                data = wecom.call(
                    "POST", self._url, {"access_token": token}, payload, timeout=self.timeout
                )
            except wecom.WecomError as exc:
                if exc.code not in wecom.TOKEN_ERRORS:
                    raise
                token = self._token.get(stale=token)
                data = wecom.call(
                    "POST", self._url, {"access_token": token}, payload, timeout=self.timeout
                )
        except wecom.WecomError as exc:
            return Result(False, exc.reason)
        return self._delivered(data, recipient)

    def _delivered(self, data: Mapping[str, Any], recipient: str) -> Result:
        """WeCom sends to the valid recipients and lists the others (userids in lower case)."""

        def listed(key: str) -> set[str]:
            return {item.casefold() for item in str(data.get(key) or "").split("|") if item}

        if recipient:
            if recipient.casefold() in listed("invaliduser"):
                return Result(
                    False, f"unknown WeCom user {recipient!r} (or not in the app's scope)"
                )
            if recipient.casefold() in listed("unlicenseduser"):
                return Result(False, f"WeCom user {recipient!r} has no interface licence")
            return Result(True)
        skipped = {
            key: data[key]
            for key in ("invaliduser", "invalidparty", "unlicenseduser")
            if data.get(key)
        }
        if skipped:  # the others have it; a retry would send it to them twice
            log.warning("channel %s: WeCom skipped some recipients: %s", self.name, skipped)
        return Result(True)

    def scrub(self, text: str) -> str:
        for token in self._token.seen:
            text = text.replace(token, "***")
        return super().scrub(text)
