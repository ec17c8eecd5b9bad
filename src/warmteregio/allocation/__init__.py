"""Regional source-to-buurt allocation (issue 5): the optimisation core in :mod:`.model`, the engine link in
:mod:`.inputs` (docs/method/allocation.md)."""

from warmteregio.allocation.model import (
    KINDS,
    AllocationBuurten,
    AllocationCancelled,
    AllocationError,
    AllocationResult,
    AllocationSettings,
    AllocationSources,
    GemeenteSummary,
    Kind,
    ParetoPoint,
    SourceOutlook,
    settings_from_params,
    solve,
    source_codes,
    source_outlook,
)

__all__ = [
    "KINDS", "AllocationBuurten", "AllocationCancelled", "AllocationError", "AllocationResult",
    "AllocationSettings", "AllocationSources", "GemeenteSummary", "Kind", "ParetoPoint", "settings_from_params",
    "solve", "source_codes", "SourceOutlook", "source_outlook",
]  # fmt: skip
