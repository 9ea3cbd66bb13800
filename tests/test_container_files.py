"""The container's files agree with each other and with the README, without building anything:
the commands `make test-image` runs are the README's, the image's configuration is the example
with the image's paths, compose.yaml runs the image as the Containerfile means it (with the
systemd unit's memory limit), and the build context holds what pip needs.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import yaml

from imagekit import CONFIG_OUT, HEALTH, QUICK_START, RESTART, ROOT, RUN, SECRET, readme_commands
from renewd.settings import Settings

CONTAINERFILE = ROOT / "Containerfile"


def instructions() -> list[str]:
    """The Containerfile's instructions, continuation lines joined, comments dropped."""
    lines = [
        line
        for line in CONTAINERFILE.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    return [i.strip() for i in re.sub(r"\\\n\s*", " ", "\n".join(lines)).splitlines() if i.strip()]


def final_stage() -> list[str]:
    found = instructions()
    last = max(i for i, line in enumerate(found) if line.startswith("FROM "))
    return found[last:]


def test_the_readme_says_what_the_image_test_runs() -> None:
    section = readme_commands("Run it in a container")
    for command in (CONFIG_OUT, SECRET, RUN, RESTART, HEALTH):
        assert command in section
    quick = readme_commands("Quick start")
    assert "make image" in quick
    assert QUICK_START in quick


def image_config(tmp_path: Path) -> str:
    """The Containerfile's own sed, run here on config.example.toml."""
    [sed] = [line for line in instructions() if line.startswith("RUN sed ")]
    tail = " /src/config.example.toml > /src/config.toml"
    assert sed.endswith(tail)
    command = sed.removeprefix("RUN ").removesuffix(tail) + " config.example.toml"
    result = subprocess.run(
        ["sh", "-c", command], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_the_image_config_is_the_example_with_the_paths_of_the_image(tmp_path: Path) -> None:
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8").splitlines()
    written = image_config(tmp_path).splitlines()
    changed = [(a, b) for a, b in zip(example, written, strict=True) if a != b]
    assert [b for _, b in changed] == [
        "# renewd configuration of the container image, from config.example.toml: mount yours"
        " at /etc/renewd/config.toml.",
        'files = ["/var/lib/renewd/roster/people.csv"]  # the sample roster, in the volume',
        'listen = "0.0.0.0:8765"          # every address of the container: publish it with -p',
    ]
    data = tomllib.loads("\n".join(written))
    settings = Settings(**data)
    assert settings.state.dir == Path("/var/lib/renewd")
    assert settings.server.listen == "0.0.0.0:8765"
    # The sample roster the image puts in its volume is the one the configuration reads.
    copies = [line for line in final_stage() if "examples/people.csv" in line]
    assert copies == [
        "COPY --from=build --chown=10001:10001 /src/examples/people.csv"
        " /var/lib/renewd/roster/people.csv"
    ]


def test_the_image_runs_renewd_unprivileged_with_state_health_and_secrets() -> None:
    final = final_stage()
    assert "USER renewd" in final
    assert 'VOLUME ["/var/lib/renewd"]' in final
    assert "EXPOSE 8765" in final
    assert 'ENTRYPOINT ["renewd"]' in final
    assert 'CMD ["run"]' in final
    [env] = [line for line in final if line.startswith("ENV ")]
    assert "CREDENTIALS_DIRECTORY=/run/secrets" in env
    # Logs go out a line at a time without it; with it `plan --json` writes token by token.
    assert "PYTHONUNBUFFERED" not in CONTAINERFILE.read_text(encoding="utf-8")
    [health] = [line for line in final if line.startswith("HEALTHCHECK ")]
    assert "'http://127.0.0.1:8765/healthz'" in health
    assert re.search(r"groupadd .*--gid 10001 renewd", " ".join(final))
    assert re.search(r"useradd .*--uid 10001 --gid 10001 ", " ".join(final))


def test_compose_runs_the_image_with_the_units_memory_limit() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["renewd"]
    assert service["build"] == {"context": ".", "dockerfile": "Containerfile"}
    assert service["image"] == "renewd"
    assert service["ports"] == ["8765:8765"]
    assert service["volumes"] == ["renewd:/var/lib/renewd"]
    assert "renewd" in compose["volumes"]
    assert service["mem_limit"] == "2g"
    assert service["stop_grace_period"] == "30s"
    # The same limit as the systemd unit's, once the unit has one.
    unit = (ROOT / "systemd" / "renewd.service").read_text(encoding="utf-8")
    memory_max = re.search(r"^MemoryMax=(\d+)([KMG])$", unit, re.MULTILINE)
    if memory_max:
        number, unit_letter = memory_max.groups()
        assert f"{number}{unit_letter.lower()}" == service["mem_limit"]


def test_the_build_context_holds_what_pip_and_the_image_need() -> None:
    allowed = {
        line.removeprefix("!").rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {"pyproject.toml", "src", project["readme"], "config.example.toml"}
    needed |= {"examples/people.csv"}
    assert needed <= allowed
    for path in allowed:
        assert (ROOT / path).exists(), path
