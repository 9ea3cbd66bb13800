"""The release artefacts and `make install`, for real: the wheel and sdist build, the wheel
installs into a clean virtual environment, an unpacked sdist `make install`s into a staging root
(DESTDIR) whose unit passes `systemd-analyze verify --root`, and `make uninstall` removes what
install made and keeps the configuration.

Slow (two virtual environments with every dependency): marked `install` and `slow`, left out of
`make test` and run by `make test-slow` and `make test-install`, which CI runs (.ci/run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from renewd import __version__

pytestmark = [pytest.mark.install, pytest.mark.slow]

ROOT = Path(__file__).parent.parent
SYSPYTHON = Path("/usr/bin/python3")


def run(*args: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kw
    )  # type: ignore[call-overload]
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result  # type: ignore[no-any-return]


def installed_config(rosterdir: str, statedir: str) -> str:
    """What `make install` writes: the example, its paths and the comments on them its own."""
    lines = (ROOT / "config.example.toml").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = (
        "# renewd configuration, written by `make install` from config.example.toml: yours to"
        " edit (installing again keeps it).\n"
    )
    for i, line in enumerate(lines):
        if line.startswith('files = ["examples/people.csv"]'):
            lines[i] = (
                f'files = ["{rosterdir}/people.csv"]  # the sample roster: replace it, or upload'
                " yours in the console\n"
            )
        if line == 'dir = "/var/lib/renewd"\n':
            lines[i] = f'dir = "{statedir}"\n'
    return "".join(lines)


def verify_unit(dest: Path, unit: str) -> None:
    """`systemd-analyze verify --root`: it resolves ExecStart under DESTDIR, so the stage needs
    what a real root has."""
    if not (dest / "usr" / "lib" / "systemd" / "system").exists():
        shutil.copytree(
            "/usr/lib/systemd/system", dest / "usr" / "lib" / "systemd" / "system", symlinks=True
        )
        (dest / "bin").mkdir(exist_ok=True)
        shutil.copy("/bin/kill", dest / "bin" / "kill")
    verify = ["systemd-analyze", "verify", f"--root={dest}", unit]
    result = subprocess.run(verify, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    return out


def test_the_wheel_installs_into_a_clean_venv_and_runs(dist: Path, tmp_path: Path) -> None:
    [wheel] = dist.glob("renewd-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "pip", "install", "--quiet", wheel)
    assert run(venv / "bin" / "renewd", "--version").stdout.strip() == f"renewd {__version__}"
    help_text = run(venv / "bin" / "renewd", "notify", "--help").stdout
    assert "--due" in help_text


@pytest.mark.skipif(not SYSPYTHON.exists(), reason="make install uses /usr/bin/python3")
@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_make_install_from_the_sdist_stages_a_service_that_verifies(
    dist: Path, tmp_path: Path
) -> None:
    [sdist] = dist.glob("renewd-*.tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    source = tmp_path / sdist.name.removesuffix(".tar.gz")
    dest = tmp_path / "root"
    run("make", "-C", source, "install", f"DESTDIR={dest}")

    renewd = dest / "opt" / "renewd" / "bin" / "renewd"
    assert run(renewd, "--version").stdout.strip() == f"renewd {__version__}"
    # The venv is made with the system's Python, not the one running the tests.
    cfg = (dest / "opt" / "renewd" / "pyvenv.cfg").read_text()
    assert f"executable = {SYSPYTHON.resolve()}" in cfg or "home = /usr/bin" in cfg

    unit = dest / "etc" / "systemd" / "system" / "renewd.service"
    text = unit.read_text()
    assert "ExecStart=/opt/renewd/bin/renewd run -c /etc/renewd/config.toml\n" in text
    assert "/usr/local/bin" not in text
    verify_unit(dest, "/etc/systemd/system/renewd.service")

    config = dest / "etc" / "renewd" / "config.toml"
    # The roster is in the unit's StateDirectory, the one place the service may write (the
    # console's roster upload replaces it there); the rest is the example as shipped.
    assert "StateDirectory=renewd\n" in text
    assert "ConfigurationDirectory=renewd\n" in text
    assert "ProtectSystem=strict\n" in text
    assert config.read_text() == installed_config("/var/lib/renewd/roster", "/var/lib/renewd")
    roster = dest / "var" / "lib" / "renewd" / "roster" / "people.csv"
    assert roster.read_bytes() == (ROOT / "examples" / "people.csv").read_bytes()
    env = {
        **os.environ,
        "RENEWD_STATE__DIR": str(tmp_path / "state"),
        "RENEWD_ROSTER__FILES": json.dumps([str(roster)]),  # the stage's /var/lib
    }
    run(renewd, "check", "-c", config, env=env)  # the installed example is a working config

    # A second install keeps an edited configuration and roster; uninstall keeps them too.
    config.write_text(config.read_text() + "\n# edited\n")
    roster.write_text("工号,姓名,居住证到期日\n1,张三,2027-03-01\n", encoding="utf-8")
    run("make", "-C", source, "install", f"DESTDIR={dest}")
    assert config.read_text().endswith("# edited\n")
    assert "张三" in roster.read_text(encoding="utf-8")
    run("make", "-C", source, "uninstall", f"DESTDIR={dest}")
    assert not (dest / "opt" / "renewd").exists()
    assert not unit.exists()
    assert config.read_text().endswith("# edited\n")
    assert "张三" in roster.read_text(encoding="utf-8")


@pytest.mark.skipif(not SYSPYTHON.exists(), reason="make install uses /usr/bin/python3")
@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_make_install_derives_every_path_from_its_variables(dist: Path, tmp_path: Path) -> None:
    [wheel] = dist.glob("renewd-*.whl")
    dest = tmp_path / "root"
    variables = [
        "PREFIX=/srv/renewd",
        "CONFDIR=/srv/renewd/etc",
        "UNITDIR=/srv/renewd/units",
        "STATEDIR=/var/lib/renewd-hr",
    ]
    run("make", "-C", ROOT, "install", f"DESTDIR={dest}", f"PACKAGE={wheel}", *variables)
    # Nothing outside them: no /etc/systemd/system, no /etc/renewd, no /var/lib/renewd.
    within = (dest / "srv" / "renewd", dest / "var" / "lib" / "renewd-hr")
    outside = [
        p for p in dest.rglob("*") if not p.is_dir() and not any(map(p.is_relative_to, within))
    ]
    assert outside == []
    renewd = dest / "srv" / "renewd" / "bin" / "renewd"
    assert run(renewd, "--version").stdout.strip() == f"renewd {__version__}"

    unit = (dest / "srv" / "renewd" / "units" / "renewd.service").read_text()
    assert "ExecStart=/srv/renewd/bin/renewd run -c /srv/renewd/etc/config.toml\n" in unit
    assert "#LoadCredential=mail.password:/srv/renewd/etc/credentials/mail.password\n" in unit
    assert "StateDirectory=renewd-hr\n" in unit
    assert "ConfigurationDirectory" not in unit  # only for a directory under /etc
    assert "/opt/renewd/" not in unit  # every path (the comment may name the default)
    assert "/etc/renewd" not in unit
    assert not re.search(r"/var/lib/renewd(?!-hr)", unit)
    # systemd-analyze verify --root finds units only where systemd looks for them.
    (dest / "etc" / "systemd" / "system").mkdir(parents=True)
    shutil.copy(
        dest / "srv" / "renewd" / "units" / "renewd.service", dest / "etc" / "systemd" / "system"
    )
    verify_unit(dest, "/etc/systemd/system/renewd.service")

    # The configuration says where its roster and state are, and its comments say it too.
    config = dest / "srv" / "renewd" / "etc" / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert text == installed_config("/var/lib/renewd-hr/roster", "/var/lib/renewd-hr")
    assert "examples/" not in text.split("[state]")[0]
    roster = dest / "var" / "lib" / "renewd-hr" / "roster" / "people.csv"
    assert roster.read_bytes() == (ROOT / "examples" / "people.csv").read_bytes()
    env = {
        **os.environ,
        "RENEWD_STATE__DIR": str(tmp_path / "state"),
        "RENEWD_ROSTER__FILES": json.dumps([str(roster)]),  # the stage's /var/lib
    }
    run(renewd, "check", "-c", config, env=env)


def test_make_install_refuses_a_state_directory_the_unit_cannot_have(tmp_path: Path) -> None:
    dest = tmp_path / "root"
    command = ["make", "-C", str(ROOT), "install", f"DESTDIR={dest}", "STATEDIR=/srv/state"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "STATEDIR=/srv/state: the unit's StateDirectory must be under /var/lib" in result.stdout
    assert not dest.exists()
