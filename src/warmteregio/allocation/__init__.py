"""Regional source-to-buurt allocation (issue 5, in progress): the optimisation core in :mod:`.model`."""

from warmteregio.allocation.model import (
    AllocationBuurten,
    AllocationError,
    AllocationResult,
    AllocationSettings,
    AllocationSources,
    solve,
)

__all__ = [
    "AllocationBuurten", "AllocationError", "AllocationResult", "AllocationSettings", "AllocationSources", "solve",
]  # fmt: skip
