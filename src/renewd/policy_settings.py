"""`[policy]`: every figure of the renewal chain (docs/design.md §3), the step owners
(`[policy.owners]`) and automatic endorsement, validated here and turned into the core's
`Policy`. The figures themselves are the `shanghai-points` pack's (renewd/packs/
shanghai-points.toml); a key set here overrides the pack's (the defaults below are the same
figures, kept so that a reader of `settings.policy` sees them: tests/test_packs.py holds them
equal)."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel, ConfigDict, Field

from renewd.core.policy import Owners, Policy, ProcessingDays
from renewd.pack_settings import shanghai_points


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProcessingDaysSettings(_Section):
    unchanged: int = Field(default=7, ge=1, le=60)
    changed: int = Field(default=20, ge=1, le=120)


class PolicySettings(_Section):
    """docs/design.md §3: every figure of the renewal chain, so a policy change is a config edit."""

    window_days: int = Field(default=30, ge=1, le=366)
    sync_workdays: int = Field(default=3, ge=0, le=30)
    employer_workdays: int = Field(default=2, ge=0, le=30)
    processing_workdays: ProcessingDaysSettings = ProcessingDaysSettings()
    approval_min_workdays: int = Field(default=3, ge=0, le=60)
    prepare_days: int = Field(default=60, ge=0, le=366)
    grace_days: int = Field(default=60, ge=0, le=366)
    due_soon_days: int = Field(default=7, ge=0, le=60)
    collect_workdays: int = Field(default=5, ge=0, le=60)
    auto_endorsement: bool = True
    auto_endorsement_check_days: int = Field(default=7, ge=0, le=366)
    # The core's own dataclass: pydantic checks each owner and refuses an unknown kind.
    owners: Owners = Owners()

    def core(self) -> Policy:
        """The plan's own policy type: the shanghai-points pack's, with the keys set here."""
        pack = shanghai_points().policy()
        fields = self.model_dump(exclude_unset=True, exclude={"processing_workdays", "owners"})
        processing = pack.processing_workdays
        if "processing_workdays" in self.model_fields_set:
            processing = ProcessingDays(
                **{
                    **dataclasses.asdict(processing),
                    **self.processing_workdays.model_dump(exclude_unset=True),
                }
            )
        owners = self.owners if "owners" in self.model_fields_set else pack.owners
        return dataclasses.replace(pack, processing_workdays=processing, owners=owners, **fields)
