"""An XLSX workbook proven small before a native reader sees it (issue 11; issue 18, 1-2).

A spreadsheet reader allocates the first sheet's whole used range (one value at XFD1048576 asks
for 512 GiB) and reads the shared strings whole when it opens the file. So, with nothing but
counters and a few small parts in memory:

- every part of the zip is inflated once, streaming, and counted: the workbook may unpack to at
  most the per-upload budget (`RosterLimits.max_unpacked_bytes`), whatever the sizes it declares
  (a part that inflates to more or less than it says is refused, so is a CRC mismatch);
- the first sheet is found the way readers find it (by local names, in any namespace, ids under
  any prefix; Strict OOXML as Transitional). Every part that some reading of the workbook could
  take as its first sheet is measured, and a workbook whose first sheet cannot be found, or
  whose workbook part is not well-formed XML, is refused rather than guessed at.

Duplicate part names (readers disagree on which one they read), encrypted or unusually
compressed parts and DTDs are refused: Excel writes none of them.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote
from xml.parsers import expat

from renewd.roster.limits import LimitError, MiB, RosterLimits, SheetSize, column_number

MAX_PARTS = 10_000  # Excel writes dozens; each costs the zip reader memory before anything else
SMALL_PART = 4 * MiB  # the workbook and its relationships, parsed whole
_CHUNK = 1 << 20
_OFFICE_DOCUMENT = "/officeDocument"
# A row or cell start tag in any prefix (`<x:c`), not `<cols>` or a chart's `<c:chart>`; or the
# value tag of a day number ≤ 0 (a date before 1900, which a reader turns into a time of day).
_TAG_RE = re.compile(rb"<(?:[\w.-]+:)?(?:(row|c)(?=[\s/>])([^>]*)>|v>(?=\s*(?:-|0[\s.<])))")
_REF_RE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_SERIAL_RE = re.compile(rb"\s*(-\d+|0)(?:\.0*)?\s*")
MAX_SERIALS = 10_000


@dataclass(frozen=True)
class FirstSheet:
    """The workbook's first sheet: its name and every part a reader may read for it."""

    names: frozenset[str]  # as each workbook part names it (normally one)
    members: tuple[str, ...]  # zip members, as stored
    date1904: bool = False


@dataclass
class Measured:
    """What measuring found: the first sheet, each candidate part's size, and the serial day
    numbers (≤ 0) of cells a reader shows as a time of day: (row, column) -> serial."""

    sheet: FirstSheet
    sizes: dict[str, SheetSize] = field(default_factory=dict)
    serials: dict[tuple[int, int], int] = field(default_factory=dict)


def measure_xlsx(path: Path, limits: RosterLimits) -> Measured:
    """Check every part's size and measure the first sheet, reading the file once."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _check_parts(archive, limits)
            sheet = first_sheet(archive, parts)
            measured = Measured(sheet)
            _inflate_all(archive, limits, measured)
            return measured
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise
        raise LimitError(
            f"cannot read spreadsheet: not an XLSX workbook, or a damaged one ({exc})"
        ) from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted; a compression zipfile lacks
        raise LimitError(f"cannot read spreadsheet: {exc}") from None


def _check_parts(archive: zipfile.ZipFile, limits: RosterLimits) -> dict[str, zipfile.ZipInfo]:
    """The parts by lower-case name, after the checks that need no inflating."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise LimitError(f"the workbook has {len(infos):,} parts; a spreadsheet has dozens")
    budget = limits.max_unpacked_bytes
    parts: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = part_key(info.filename)
        if key in parts:
            raise LimitError(f"the workbook holds the part {info.filename!r} twice")
        if info.flag_bits & 0x1:
            raise LimitError("the workbook is encrypted; save it without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise LimitError(f"the part {info.filename!r} is compressed in a way Excel never uses")
        parts[key] = info
    declared = sum(info.file_size for info in infos)
    if declared > budget:
        largest = max(infos, key=lambda info: info.file_size)
        raise LimitError(
            f"the workbook unpacks to {declared / MiB:,.0f} MB ({largest.filename} alone"
            f" {largest.file_size / MiB:,.0f} MB), more than the {limits.budget_text}"
        )
    return parts


def part_key(name: str) -> str:
    """How readers match part names: ignoring ASCII case (and some, a Windows separator)."""
    return name.replace("\\", "/").lower()


def _inflate_all(archive: zipfile.ZipFile, limits: RosterLimits, measured: Measured) -> None:
    """Inflate every part once, counting what it really holds; measure the candidate sheets."""
    left = limits.max_unpacked_bytes
    wanted = {part_key(member) for member in measured.sheet.members}
    for info in archive.infolist():
        scan = _SheetScan() if part_key(info.filename) in wanted else None
        for chunk in _inflate(archive, info, left, limits.budget_text):
            left -= len(chunk)
            if scan is not None:
                scan.feed(chunk)
        if scan is not None:
            measured.sizes[info.filename] = scan.finish()
            if len(wanted) == 1:
                measured.serials = scan.serials


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, left: int, budget: str
) -> Iterator[bytes]:
    # Open as if the part declared more than the budget left: zipfile then reads until the
    # compressed stream really ends (and checks the CRC of what it really holds), or until we
    # stop, one chunk past the budget, before it would check a CRC of what it read so far.
    probe = copy.copy(info)
    probe.file_size = left + _CHUNK + 1
    total = 0
    with archive.open(probe) as handle:
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > left:
                raise LimitError(
                    f"the workbook unpacks to more than the {budget}"
                    f" ({info.filename} inflates past it)"
                )
            yield chunk
    if total != info.file_size:
        raise LimitError(
            f"the part {info.filename} says it holds {info.file_size:,} bytes but holds"
            f" {total:,}: a damaged or crafted workbook"
        )


def small_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > SMALL_PART:
        raise LimitError(f"{info.filename} is larger than {SMALL_PART // MiB} MB")
    return b"".join(_inflate(archive, info, SMALL_PART, f"{SMALL_PART // MiB} MB for this part"))


# --- which part is the first sheet -----------------------------------------------------------


def _elements(data: bytes, part: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of a small part: (local name, attributes by qualified name as written), in
    document order. Prefixes are not resolved: readers differ in how they read them, so the
    callers look at every reading."""
    parser = expat.ParserCreate()  # no namespace processing: `r:id` stays `r:id`
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        found.append((name.rpartition(":")[2], attrs))

    def doctype(*_: object) -> None:
        raise LimitError(f"{part} declares a DTD; a workbook has none")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise LimitError(
            f"{part} is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno}):"
            " renewd cannot tell which sheet a reader would read"
        ) from None
    return found


def _local(attrs: Mapping[str, str], name: str) -> list[str]:
    """The values of every attribute whose local name is `name`, whatever its prefix."""
    return [value for key, value in attrs.items() if key.rpartition(":")[2] == name]


def _targets(base: str, target: str) -> set[str]:
    """The zip members a relationship target may mean: relative to the workbook's folder (the
    standard), to `xl/` (older readers), or from the root; with `.`/`..` and %-escapes
    resolved or not, since readers differ."""
    raw = {target[1:]} if target.startswith("/") else {posixpath.join(base, target), target}
    if not target.startswith("/"):
        raw.add(f"xl/{target}")
    variants = set(raw)
    for path in raw:
        variants.add(posixpath.normpath(path).lstrip("/"))
        variants.add(unquote(path))
    return variants


def first_sheet(archive: zipfile.ZipFile, parts: Mapping[str, zipfile.ZipInfo]) -> FirstSheet:
    """The first sheet of every workbook part the package may name, and the parts it may be."""

    def read(name: str) -> list[tuple[str, dict[str, str]]] | None:
        info = parts.get(part_key(name))
        return None if info is None else _elements(small_part(archive, info), info.filename)

    books = {"xl/workbook.xml"}
    for local, attrs in read("_rels/.rels") or ():
        if local == "Relationship" and any(
            kind.endswith(_OFFICE_DOCUMENT) for kind in _local(attrs, "Type")
        ):
            books.update(t.lstrip("/") for t in _local(attrs, "Target"))
    names: set[str] = set()
    members: dict[str, None] = {}
    date1904 = False
    for book in sorted(books):
        elements = read(book)
        if elements is None:
            continue
        sheet = next((attrs for local, attrs in elements if local == "sheet"), None)
        if sheet is None:
            raise LimitError(f"{book} lists no sheet")
        names.add(sheet.get("name", ""))
        date1904 = date1904 or any(
            value.lower() in ("1", "true")
            for local, attrs in elements
            if local == "workbookPr"
            for value in _local(attrs, "date1904")
        )
        folder, _, file = book.rpartition("/")
        relations: dict[str, list[str]] = {}
        for rels in (f"{folder}/_rels/{file}.rels", f"{folder}/_rels/workbook.xml.rels"):
            for local, attrs in read(rels.lstrip("/")) or ():
                if local == "Relationship":
                    for rid in _local(attrs, "Id"):
                        relations.setdefault(rid, []).extend(_local(attrs, "Target"))
        for rid in _local(sheet, "id"):
            for target in relations.get(rid, ()):
                for path in _targets(folder, target):
                    info = parts.get(part_key(path))
                    if info is not None:
                        members[info.filename] = None
    if not names:
        raise LimitError("cannot read spreadsheet: no workbook part (xl/workbook.xml)")
    if not members:
        raise LimitError(
            f"the first sheet {sorted(names)[0]!r} points at no part of the file; renewd reads"
            " a workbook only once it knows which sheet a reader would read"
        )
    return FirstSheet(frozenset(names), tuple(members), date1904)


# --- measuring a sheet -----------------------------------------------------------------------


class _SheetScan:
    """The used range and cell count of a sheet's XML, fed in chunks (nothing but counters, and
    the serials of at most MAX_SERIALS cells that hold a day number ≤ 0)."""

    def __init__(self) -> None:
        self.row = self.column = self.rows = self.columns = self.cells = 0
        self.tail = b""
        self.serials: dict[tuple[int, int], int] = {}

    def feed(self, chunk: bytes) -> None:
        data = self.tail + chunk
        # '<' never occurs inside a tag, so every tag before the last '<' is whole, and so is
        # the text after each of them up to the next '<'.
        cut = max(data.rfind(b"<"), 0)
        self._scan(data, cut)
        self.tail = data[cut:]
        if len(self.tail) > SMALL_PART:  # one "tag" of megabytes: not a sheet
            raise LimitError("the sheet holds a tag of more than 4 MB")

    def finish(self) -> SheetSize:
        self._scan(self.tail, len(self.tail))
        return SheetSize(self.rows, self.columns, self.cells)

    def _scan(self, data: bytes, end: int) -> None:
        for match in _TAG_RE.finditer(data, 0, end):
            kind = match.group(1)
            if kind is None:  # <v>, of a number ≤ 0
                if self.row <= 0 or len(self.serials) >= MAX_SERIALS:
                    continue
                stop = data.find(b"<", match.end())
                text = data[match.end() : stop if stop >= 0 else end]
                serial = _SERIAL_RE.fullmatch(text)
                if serial is not None:
                    self.serials[(self.row, self.column)] = int(serial.group(1))
                continue
            ref = _REF_RE.search(match.group(2))
            if kind == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.column = 0
            else:
                self.cells += 1
                if ref and ref.group(1):
                    self.column = column_number(ref.group(1))
                    if ref.group(2):
                        self.row = max(self.row, int(ref.group(2)))
                else:
                    self.column += 1
                self.columns = max(self.columns, self.column)
            self.rows = max(self.rows, self.row)
