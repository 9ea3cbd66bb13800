"""Hostile roster files, made by the tests themselves, and a way to run renewd on one while
measuring its memory (issue 11; issue 18, 1-2, 11).

Crafted XLSX workbooks are written part by part with zipfile: the shapes a spreadsheet library
never writes but a reader may still accept.

Every workbook has two sheets: the first (what a reader reads) is `xl/worksheets/roster.xml`, the
second a harmless `xl/worksheets/sheet1.xml`, so that a guard which cannot tell the first sheet
and falls back to `sheet1.xml` measures the wrong one. `far` puts one more value at that cell of
the first sheet: a reader that allocates the used range then asks for the range up to it.
"""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

MiB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_RELS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

HEADER = ("工号", "姓名", "居住证到期日")
ROWS = (("1001", "张三", "2027-03-15"),)

# How the workbook names its first sheet.
VARIANTS = ("strict", "bare-rels", "entity", "rebound-prefix")


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def sheet_xml(
    rows: Sequence[Sequence[str]], far: str | None = None, main: str = MAIN, ns: str = ""
) -> bytes:
    """A worksheet of inline strings; `ns` is a prefix ("x:") for every element."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?><{ns}worksheet xmlns{ns and ":" + ns[:-1]}=']
    out.append(f'"{main}"><{ns}sheetData>')
    for number, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(row))
        out.append(f'<{ns}row r="{number}">{cells.replace("<c ", f"<{ns}c ")}</{ns}row>')
    if far is not None:
        digits = far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        out.append(f'<{ns}row r="{digits}">{_cell(far, "x")}</{ns}row>')
    out.append(f"</{ns}sheetData></{ns}worksheet>")
    return "".join(out).encode()


def _rels(ns: str | None, targets: Sequence[str], kind: str = f"{RELS}/worksheet") -> bytes:
    xmlns = f' xmlns="{ns}"' if ns else ""
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, target in enumerate(targets, start=1)
    )
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f"{head}<Relationships{xmlns}>{items}</Relationships>".encode()


def _workbook(variant: str) -> bytes:
    main, rels = (STRICT_MAIN, STRICT_RELS) if variant == "strict" else (MAIN, RELS)
    head = f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rels}"'
    first = '<sheet name="名单" sheetId="1" r:id="rId1"/>'
    extra = ""
    if variant == "entity":  # undefined in XML: a strict parser stops, a lenient one reads on
        extra = '<fileVersion appName="xl&nbsp;"/>'
    if variant == "rebound-prefix":  # `r:` means something else; `rel:` is the relationships ns
        head = (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}"'
            f' xmlns:r="urn:example:not-relationships" xmlns:rel="{rels}"'
        )
        first = '<sheet name="名单" sheetId="1" rel:id="rId2" r:id="rId1"/>'
    second = '<sheet name="说明" sheetId="2" r:id="rId2"/>'
    return f"{head}>{extra}<sheets>{first}{second}</sheets></workbook>".encode()


def crafted_xlsx(path: Path, variant: str, far: str | None = None) -> Path:
    """A workbook whose first sheet is named the `variant` way (see VARIANTS)."""
    main = STRICT_MAIN if variant == "strict" else MAIN
    rels_ns = None if variant == "bare-rels" else PACKAGE
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types())
        rels = STRICT_RELS if variant == "strict" else RELS
        book = _rels(PACKAGE, ["xl/workbook.xml"], f"{rels}/officeDocument")
        archive.writestr("_rels/.rels", book)
        archive.writestr("xl/workbook.xml", _workbook(variant))
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _rels(rels_ns, ["worksheets/roster.xml", "worksheets/sheet1.xml"], f"{rels}/worksheet"),
        )
        archive.writestr("xl/worksheets/roster.xml", sheet_xml([HEADER, *ROWS], far, main))
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml([["说明"]], main=main))
    return path


def _content_types() -> bytes:
    types = "http://schemas.openxmlformats.org/package/2006/content-types"
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    book = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{types}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{book}"/>'
        f'<Override PartName="/xl/worksheets/roster.xml" ContentType="{sheet}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet}"/></Types>'
    ).encode()


def shared_strings_bomb(path: Path, inflated_mb: int) -> Path:
    """An honest workbook whose shared strings inflate to about `inflated_mb` MB (one string
    repeated; every size in the zip is true), written streaming so that nothing is held whole.
    The sheet is an ordinary small roster that uses the first shared strings."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
    strings = [*HEADER, *ROWS[0]]
    known = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    # Short strings: a reader holds each one as an object of its own, several times its size.
    chunk = b"<si><t>x</t></si>" * (MiB // 17) + b" " * (MiB % 17)  # 1 MiB
    cells = [
        "".join(f'<c r="{chr(65 + i)}{row + 1}" t="s"><v>{row * 3 + i}</v></c>' for i in range(3))
        for row in range(2)
    ]
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
        + "".join(f'<row r="{n + 1}">{c}</row>' for n, c in enumerate(cells))
        + "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types())
        book = _rels(PACKAGE, ["xl/workbook.xml"], f"{RELS}/officeDocument")
        archive.writestr("_rels/.rels", book)
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _rels(PACKAGE, ["worksheets/sheet1.xml"]))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=inflated_mb > 2000) as out:
            out.write(head.encode() + known.encode())
            for _ in range(inflated_mb):
                out.write(chunk)
            out.write(b"</sst>")
    return path


def understate(path: Path, member: str, size: int) -> Path:
    """Make `member` declare `size` bytes, in its local header and in the central directory,
    whatever it really inflates to (its CRC is left as it was)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = info.header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = data.rindex(b"PK\x01\x02", 0, len(data) - 22)
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.rindex(b"PK\x01\x02", 0, central)
    data[central + 24 : central + 28] = size.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def deep_toml(path: Path, depth: int = 5000) -> Path:
    """A roster whose one value is an array nested `depth` deep."""
    value = "[" * depth + "]" * depth
    path.write_text(
        f'[[people]]\nid = "1"\nname = "张三"\npermit_expires = 2027-03-15\ntags = {value}\n',
        encoding="utf-8",
    )
    return path


# The process reports its own high-water mark (VmHWM of its fresh address space) as it exits,
# and the largest of its children's (the spreadsheet reader): ru_maxrss from wait4 would also
# count the pages a child of a large pytest process inherited when it was forked.
_MEASURED = (
    "import atexit, resource, sys\n"
    "def hwm():\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next(int(l.split()[1]) for l in f if l.startswith('VmHWM'))\n"
    "    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "    sys.stderr.write(f'\\nVMHWM_KB {kb} {child}\\n')\n"
    "atexit.register(hwm)\n"
    "from renewd.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@dataclass(frozen=True)
class Measured:
    code: int
    stdout: str
    stderr: str
    rss_mb: int  # renewd's own peak
    child_mb: int  # its children's (the spreadsheet reader's) peak
    seconds: float


def run_measured(args: list[str]) -> Measured:
    """Run renewd with `args`, measuring its peak memory and its children's."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    err, _, tail = proc.stderr.rpartition("\nVMHWM_KB ")
    own, child = (int(n) for n in tail.split()[:2]) if tail else (0, 0)
    return Measured(
        proc.returncode, proc.stdout, err or proc.stderr, own // 1024, child // 1024, seconds
    )
