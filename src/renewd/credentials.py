"""Where channel secrets come from, highest first: `$CREDENTIALS_DIRECTORY/<channel>.<key>`
(systemd `LoadCredential=`), the environment variable `RENEWD_<CHANNEL>_<KEY>`, the config file.
The `[smtp]` table's password likewise: `smtp.password`, `RENEWD_SMTP_PASSWORD`; the password of
a PostgreSQL `[state] database`: `state.database.password`, `RENEWD_STATE_DATABASE_PASSWORD`.

A credential that exists but cannot be read is a configuration error naming the file, never its
content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from renewd.channels.settings import SECRET_KEYS
from renewd.core.errors import ConfigError
from renewd.settings_smtp import SMTP


def _env_secret(channel: str, key: str, environ: Mapping[str, str]) -> str | None:
    name = "RENEWD_" + re.sub(r"[^A-Z0-9]", "_", f"{channel}_{key}".upper())
    return environ.get(name)


def _credential(channel: str, key: str, environ: Mapping[str, str]) -> str | None:
    directory = environ.get("CREDENTIALS_DIRECTORY")
    if not directory:
        return None
    path = Path(directory) / f"{channel}.{key}"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:  # never the content: it is a secret
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise ConfigError(f"{path}: cannot read the credential: {reason}") from None


def _secret(name: str, key: str, environ: Mapping[str, str]) -> str | None:
    return _credential(name, key, environ) or _env_secret(name, key, environ)


def with_secrets(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    smtp = data.get(SMTP)
    if isinstance(smtp, dict):  # only where there is a table: a secret alone configures nothing
        password = _secret(SMTP, "password", environ)
        if password:
            data = {**data, SMTP: {**smtp, "password": password}}
    state = data.get("state")
    if isinstance(state, dict) and state.get("database"):
        password = _secret("state.database", "password", environ)
        if password:
            data = {**data, "state": {**state, "database_password": password}}
    channels = data.get("channels")
    if not isinstance(channels, list):
        return data
    resolved = []
    for channel in channels:
        if isinstance(channel, dict) and isinstance(channel.get("name"), str):
            channel = dict(channel)
            for key in SECRET_KEYS:
                value = _secret(channel["name"], key, environ)
                if value:
                    channel[key] = value
        resolved.append(channel)
    return {**data, "channels": resolved}
