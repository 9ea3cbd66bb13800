"""Policy pack files (docs/packs.md): read, validated and turned into the core's `Pack`.

The packs shipped with renewd live in `renewd/packs/<name>.toml`; a configuration may add its own
(`[packs.<name>] file = "..."`) and override a pack's figures and owners:

    [packs.foreign-work-permit]
    processing_workdays = 25
    owners = { holder_signature = "both" }

(`[policy]` stays the override of `shanghai-points`.) A bad pack file is a `ConfigError` naming
the file and the key, so `renewd check` and the daemon's start refuse it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    model_validator,
)

from renewd.core.errors import ConfigError, Problem
from renewd.core.model import Lang, MilestoneKind
from renewd.core.pack import (
    DEADLINE,
    EXPIRY,
    SHANGHAI_POINTS,
    CycleBasis,
    Engine,
    Offset,
    Pack,
    PackStep,
    StepType,
    StepWords,
    Unit,
)
from renewd.core.pack_words import (
    WORD_PARTS,
    catalogue_gaps,
    catalogued,
    catalogued_step,
    material_key,
    step_keys,
    title_key,
)
from renewd.core.policy import Owner
from renewd.core.wording import POLICY

_NAME = r"^[a-z][a-z0-9_-]*$"
_KIND = r"^[a-z][a-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class OffsetModel(_Model):
    """`{ from = "expiry", before = "window_days", unit = "workdays" }`: an amount (a number or
    a figure's name) before or after an anchor."""

    anchor: str = Field(alias="from", pattern=_KIND)
    before: StrictInt | str | list[StrictInt | str] | None = None
    after: StrictInt | str | list[StrictInt | str] | None = None
    unit: Unit = Unit.DAYS
    last_workday: bool = False
    on_workday: bool = False

    @model_validator(mode="after")
    def _one_direction(self) -> OffsetModel:
        if self.before is not None and self.after is not None:
            raise ValueError("give `before` or `after`, not both")
        return self

    def _parts(self) -> list[int | str]:
        amount = self.before if self.before is not None else self.after
        if amount is None:
            return []
        return list(amount) if isinstance(amount, list) else [amount]

    def figure_names(self) -> tuple[str, ...]:
        return tuple(part for part in self._parts() if isinstance(part, str))

    def core(self, figures: dict[str, int]) -> Offset:
        sign = -1 if self.before is not None else 1
        names = self.figure_names()
        constant = sum(part for part in self._parts() if isinstance(part, int))
        return Offset(
            anchor=self.anchor,
            amount=sign * (constant + sum(figures[name] for name in names)),
            unit=self.unit,
            last_workday=self.last_workday,
            on_workday=self.on_workday,
            figures=names,
            constant=constant,
            sign=sign,
        )


class WordsModel(_Model):
    title: str = Field(min_length=1)
    short: str = Field(min_length=1)
    do: str = Field(min_length=1)


class StepModel(_Model):
    kind: str = Field(pattern=_KIND)
    owner: Owner
    type: StepType = StepType.ACT
    due: OffsetModel | None = None
    opens: OffsetModel | None = None
    cutoff: OffsetModel | None = None
    proves: tuple[str, ...] = ()
    completes: bool = False
    materials: tuple[str, ...] = ()
    words: Literal["catalogue"] | dict[Lang, WordsModel] = Field(default_factory=dict)

    def offsets(self) -> dict[str, OffsetModel]:
        found = {"due": self.due, "opens": self.opens, "cutoff": self.cutoff}
        return {name: offset for name, offset in found.items() if offset is not None}


class PackModel(_Model):
    """One pack file."""

    name: str = Field(pattern=_NAME)
    engine: Engine = Engine.CHAIN
    title: dict[Lang, str] | None = None  # None: the catalogue's `<name>.title`
    validity_months: int = Field(default=0, ge=0, le=240)
    cycle: CycleBasis = CycleBasis.EXPIRY
    follows: str = Field(default="", pattern=r"^$|" + _NAME[1:])
    follows_by: str = ""
    figures: dict[str, StrictInt | StrictBool] = Field(default_factory=dict)
    materials: dict[str, dict[Lang, str]] = Field(default_factory=dict)
    steps: tuple[StepModel, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PackModel:
        problems = [*self._languages(), *self._references(), *self._engine_rules()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _languages(self) -> list[str]:
        if self.title is None:
            out = [f"title: the catalogue lacks {k!r}" for k in catalogue_gaps([self._title_key])]
        else:
            out = [f"title needs {lang.value!r}" for lang in Lang if lang not in self.title]
        for key, texts in self.materials.items():
            out += [f"materials.{key} needs {lang.value!r}" for lang in Lang if lang not in texts]
        return out

    def _references(self) -> list[str]:
        out: list[str] = []
        kinds = [s.kind for s in self.steps]
        if len(set(kinds)) != len(kinds):
            out.append("two steps have the same kind")
        if bool(self.follows) != bool(self.follows_by) or (
            self.follows_by and self.follows_by not in kinds
        ):
            out.append("follows names a pack and follows_by one of this pack's steps, or neither")
        for i, step in enumerate(self.steps):
            where = f"steps.{i}"
            earlier = set(kinds[:i])
            for name, offset in step.offsets().items():
                if offset.anchor not in {EXPIRY, DEADLINE, *earlier}:
                    out.append(
                        f"{where}.{name}.from: {offset.anchor!r} is not expiry, deadline or an"
                        " earlier step"
                    )
                out += [
                    f"{where}.{name}: unknown figure {figure!r}"
                    for figure in offset.figure_names()
                    if figure not in self.figures
                ]
            out += [
                f"{where}.proves: {p!r} is not an earlier step"
                for p in step.proves
                if p not in earlier
            ]
        return out

    def _engine_rules(self) -> list[str]:
        if self.engine is Engine.SHANGHAI_POINTS:
            return self._shanghai_rules()
        out: list[str] = []
        if sum(s.completes for s in self.steps) != 1:
            out.append("exactly one step must say `completes = true`")
        for i, step in enumerate(self.steps):
            if step.due is None:
                out.append(f"steps.{i}.due: every step of a chain pack needs a due day")
            if step.words == "catalogue":
                gaps = catalogue_gaps(step_keys(self.name, step.kind))
                out += [f"steps.{i}.words: the catalogue lacks {key!r}" for key in gaps]
            else:
                out += [
                    f"steps.{i}.words needs {lang.value!r} with {', '.join(WORD_PARTS)}"
                    for lang in Lang
                    if lang not in step.words
                ]
            out += [
                f"steps.{i}.materials: unknown material {m!r}"
                for m in step.materials
                if m not in self.materials and catalogue_gaps([material_key(self.name, m)])
            ]
        return out

    def _shanghai_rules(self) -> list[str]:
        kinds = tuple(s.kind for s in self.steps)
        expected = tuple(k.value for k in MilestoneKind)
        if kinds != expected:
            return [f"the shanghai-points engine plans exactly these steps: {', '.join(expected)}"]
        out: list[str] = []
        for i, step in enumerate(self.steps):
            # what to do is `do`, `ask` or `info` by owner
            gaps = catalogue_gaps(step_keys(POLICY, step.kind)[:2])
            out += [f"steps.{i}.words: the catalogue lacks {key!r}" for key in gaps]
            gaps = catalogue_gaps(material_key(POLICY, m) for m in step.materials)
            out += [f"steps.{i}.materials: the catalogue lacks {key}" for key in gaps]
        return out

    @property
    def _title_key(self) -> str:
        return title_key(self.name)

    def _words(self, step: StepModel) -> Mapping[Lang, StepWords]:
        if isinstance(step.words, dict):
            return MappingProxyType({k: StepWords(**w.model_dump()) for k, w in step.words.items()})
        if self.engine is Engine.CHAIN:  # a shipped chain pack's words: the catalogue's
            return catalogued_step(self.name, step.kind)
        return MappingProxyType({})  # shanghai-points: its engine words each step by owner

    def _materials(self) -> dict[str, Mapping[Lang, str]]:
        """The file's materials, and the catalogue's for the ones only the catalogue has."""
        out: dict[str, Mapping[Lang, str]] = {
            k: MappingProxyType(dict(v)) for k, v in self.materials.items()
        }
        if self.engine is Engine.CHAIN:
            for step in self.steps:
                for m in step.materials:
                    if m not in out:
                        out[m] = catalogued(material_key(self.name, m))
        return out

    def core(self, source: str) -> Pack:
        figures = {name: int(value) for name, value in self.figures.items()}
        steps = tuple(
            PackStep(
                kind=s.kind,
                owner=s.owner,
                type=s.type,
                due=s.due.core(figures) if s.due else Offset(EXPIRY),
                opens=s.opens.core(figures) if s.opens else None,
                cutoff=s.cutoff.core(figures) if s.cutoff else None,
                proves=s.proves,
                completes=s.completes,
                materials=s.materials,
                words=self._words(s),
            )
            for s in self.steps
        )
        return Pack(
            name=self.name,
            engine=self.engine,
            title=MappingProxyType(dict(self.title))
            if self.title is not None
            else catalogued(self._title_key),
            steps=steps,
            figures=MappingProxyType(figures),
            materials=MappingProxyType(self._materials()),
            cycle=self.cycle,
            validity_months=self.validity_months,
            follows=self.follows,
            follows_by=self.follows_by,
            source=source,
        )


def _problems(file: str, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or None
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key: check its spelling (docs/packs.md lists every key)"
        problems.append(Problem(file=file, field=loc, message=message))
    return problems


def parse_pack(text: str, source: str) -> Pack:
    """A pack from the TOML `text` of the file `source`; ConfigError naming file and key."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: TOML syntax error: {exc}") from None
    try:
        model = PackModel(**data)
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid policy pack", _problems(source, exc)) from None
    return model.core(source)


def load_pack(path: Path) -> Pack:
    """A pack file of the user's."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read policy pack ({type(exc).__name__})") from None
    return parse_pack(text, str(path))


@functools.cache
def shipped_packs() -> MappingProxyType[str, Pack]:
    """The packs shipped in `renewd/packs/`, by name (the file's stem must be the pack's name)."""
    found: dict[str, Pack] = {}
    folder = resources.files("renewd").joinpath("packs")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        source = f"renewd/packs/{entry.name}"
        pack = parse_pack(entry.read_text(encoding="utf-8"), source)
        if pack.name != entry.name.removesuffix(".toml"):
            raise ConfigError(f"{source}: the pack's name must be the file's ({pack.name!r})")
        found[pack.name] = pack
    return MappingProxyType(found)


def shanghai_points() -> Pack:
    return shipped_packs()[SHANGHAI_POINTS]


class PackOverride(BaseModel):
    """`[packs.<name>]`: a pack file of the user's (`file`), owners, and figures by name."""

    model_config = ConfigDict(extra="allow", frozen=True)

    file: Path | None = None
    owners: dict[str, Owner] = Field(default_factory=dict)

    def figures(self) -> dict[str, int]:
        extra = self.model_extra or {}
        bad = sorted(k for k, v in extra.items() if not isinstance(v, int))
        if bad:
            raise ValueError(f"figures are whole numbers (or true/false): {', '.join(bad)}")
        return {k: int(v) for k, v in extra.items()}


def build_packs(
    overrides: dict[str, PackOverride], base: Path | None, file: str
) -> dict[str, Pack]:
    """Every pack the configuration can use: the shipped ones and the user's files, with the
    `[packs.<name>]` overrides applied. ConfigError naming `packs.<name>.<key>` when one does not
    fit its pack."""
    packs = dict(shipped_packs())
    problems: list[Problem] = []
    for name, override in overrides.items():
        where = f"packs.{name}"
        if name == SHANGHAI_POINTS:
            problems.append(Problem(file, "override shanghai-points in [policy]", field=where))
            continue
        if override.file is not None:
            path = (
                override.file
                if override.file.is_absolute() or base is None
                else base / override.file
            )
            pack = load_pack(path)
            if pack.name != name:
                problems.append(Problem(file, f"{path} names pack {pack.name!r}", field=where))
                continue
            packs[name] = pack
        if name not in packs:
            known = ", ".join(sorted(packs))
            problems.append(Problem(file, f"unknown pack; known: {known}", field=where))
            continue
        try:
            packs[name] = packs[name].with_overrides(override.figures(), override.owners)
        except (KeyError, ValueError) as exc:
            problems.append(Problem(file, f"not a figure or step of this pack: {exc}", field=where))
    if problems:
        raise ConfigError("some [packs] tables do not fit their packs", problems)
    return packs
