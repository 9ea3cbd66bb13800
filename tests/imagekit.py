"""The README's container commands, and how the image test runs them under names of its own."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
IMAGE = os.environ.get("RENEWD_TEST_IMAGE", "renewd")

# The README's commands that tests/test_image.py runs, as the README writes them (one line each
# once continuation lines are joined).
CONFIG_OUT = "podman run --rm --entrypoint cat renewd /etc/renewd/config.toml > config.toml"
SECRET = "printf '%s' 'smtp-password' | podman secret create mail.password -"
RUN = (
    "podman run -d --name renewd -p 8765:8765 -v renewd:/var/lib/renewd"
    ' -v "$PWD/config.toml:/etc/renewd/config.toml:ro" --secret mail.password renewd'
)
RESTART = "podman restart renewd"
HEALTH = "podman healthcheck run renewd"
QUICK_START = "podman run -d --name renewd -p 8765:8765 -v renewd:/var/lib/renewd renewd"


def readme_commands(heading: str) -> list[str]:
    """The shell commands of a README section's code blocks, continuation lines joined and
    comments (after two spaces) dropped."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL):
        joined = re.sub(r"\s*\\\n\s*", " ", block)
        for line in joined.splitlines():
            command = re.split(r"\s{2,}#", line, maxsplit=1)[0].strip()
            if command:
                commands.append(command)
    return commands


@dataclass
class Names:
    """A container, volume and secret of a test's own and a free port: a user's `renewd` on the
    same machine is never touched."""

    container: str
    port: int
    password: str
    frozen_now: str

    def adapt(self, command: str) -> str:
        """A README command under these names (and the suite's frozen clock for the daemon)."""
        rules = [
            ("--name renewd ", f"--name {self.container} "),
            ("-v renewd:/var/lib/renewd", f"-v {self.container}:/var/lib/renewd"),
            ("-p 8765:8765", f"-p 127.0.0.1:{self.port}:8765"),
            ("--secret mail.password", f"--secret {self.container},target=mail.password"),
            ("secret create mail.password", f"secret create {self.container}"),
            ("'smtp-password'", f"'{self.password}'"),
            ("--entrypoint cat renewd ", f"--entrypoint cat {IMAGE} "),
            (" restart renewd", f" restart {self.container}"),
            (" run renewd", f" run {self.container}"),
        ]
        for old, new in rules:
            assert command.count(old) <= 1, (old, command)
            command = command.replace(old, new)
        if command.startswith("podman run -d "):
            assert command.endswith(" renewd"), command
            command = command.removesuffix(" renewd") + f" -e RENEWD_NOW={self.frozen_now} {IMAGE}"
        return command
