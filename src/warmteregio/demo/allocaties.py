"""The demo's allocation runs: the questions of issue 5 asked of Drechtsteden, ready when ``make run`` starts.

1. *Laagste nationale kosten*: every buurt free to stay individual or be connected to any source within reach.
2. *Bestaande warmtenetten vast*: the buurten that already have a heat network (CBS/ETM share of district heating
   > 0; in Dordrecht the network HVC feeds) are fixed on a heat network; the optimiser chooses their source.
3. *HVC sluit in 2035*: run 2 with the end year of HVC Afvalcentrale Dordrecht (HTHP0002) set to 2035 and sources
   needed in 2036: which source takes over, at what cost. This end year is a scenario, not a registry fact.

Runs are created only when the region has none with the same title, so loading twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from warmteregio.store.models import Allocatierun, Buurt

REGIO = "ES18"
HVC = "HTHP0002"
SLUITINGSJAAR = 2035
TITEL_BASIS = "Drechtsteden: laagste nationale kosten"
TITEL_VAST = "Drechtsteden: buurten met een bestaand warmtenet vast op een warmtenet"
TITEL_HVC = f"Scenario: HVC Dordrecht sluit in {SLUITINGSJAAR}"


@dataclass
class DemoAllocaties:
    runs: list[tuple[str, int, str]]  # (title, id, status)
    nieuw: int


def _existing(session: Session, titel: str) -> Allocatierun | None:
    return session.scalar(
        select(Allocatierun).where(Allocatierun.regio_code == REGIO, Allocatierun.titel == titel,
                                   Allocatierun.status.in_(("klaar", "onhaalbaar"))).order_by(Allocatierun.id.desc())
    )  # fmt: skip


def existing_network_buurten(session: Session) -> tuple[str, ...]:
    """Buurten of the demo region with a share of existing district heating (newest division year)."""
    from warmteregio.services.allocatie import _region_buurt_codes

    codes = _region_buurt_codes(session, REGIO)
    rows = session.scalars(
        select(Buurt.code).where(Buurt.code.in_(sorted(codes)), Buurt.bestaand_warmtenet_aandeel > 0)
    ).all()
    return tuple(sorted(set(rows)))


def create_demo_allocations(
    factory: sessionmaker[Session], *, gebruiker: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoAllocaties:  # fmt: skip
    """Create and run the three demo allocations that do not exist yet (see the module docstring)."""
    from warmteregio.services import allocatie

    out: list[tuple[str, int, str]] = []
    nieuw = 0
    with factory() as s:
        user = allocatie.user_by_email(s, gebruiker) if gebruiker else None
        vast = existing_network_buurten(s)

    def run(titel: str, make: Callable[[Session], Allocatierun]) -> int:
        nonlocal nieuw
        with factory() as s:
            found = _existing(s, titel)
            if found is not None:
                out.append((titel, found.id, found.status))
                return found.id
            r = make(s)
            s.commit()
            run_id = r.id
        allocatie.execute_run(factory, run_id, progress=progress)
        nieuw += 1
        with factory() as s:
            out.append((titel, run_id, s.get(Allocatierun, run_id).status))
        return run_id

    def inst(titel: str, **kw: object) -> allocatie.AllocatieInstellingen:
        return allocatie.AllocatieInstellingen(regio=REGIO, titel=titel, **kw)  # type: ignore[arg-type]

    run(TITEL_BASIS, lambda s: allocatie.create_run(s, inst(TITEL_BASIS), user=user, check_permission=False))
    vast_id = run(TITEL_VAST, lambda s: allocatie.create_run(s, inst(TITEL_VAST, vast_in=vast), user=user,
                                                            check_permission=False))  # fmt: skip
    changes, bronjaar = allocatie.scenario_bron_sluit(HVC, SLUITINGSJAAR)
    run(TITEL_HVC, lambda s: allocatie.scenario_from_run(s, vast_id, changes, user=user, titel=TITEL_HVC,
                                                        bronjaar=bronjaar, check_permission=False))  # fmt: skip
    return DemoAllocaties(out, nieuw)
