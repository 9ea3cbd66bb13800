"""`[policy]`: every figure of the renewal chain (docs/design.md §3), the step owners
(`[policy.owners]`) and automatic endorsement, validated here and turned into the core's
`Policy`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from renewd.core.policy import Owners, Policy, ProcessingDays


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
        """The plan's own policy type."""
        fields = self.model_dump(exclude={"processing_workdays", "owners"})
        return Policy(
            processing_workdays=ProcessingDays(**self.processing_workdays.model_dump()),
            owners=self.owners,
            **fields,
        )
