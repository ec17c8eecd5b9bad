"""National SMAA sweeps: partitioning by gemeente, Dask backends, progress, cancellation, storage, CLI.

The orchestration tests use a small, pure partition function (deterministic per buurt code) so they test the
machinery; the identity tests run the real engine + criteria + SMAA-2 per gemeente on a LocalCluster with two
workers and compare with one in-process call over all buurten, with ``==``.
"""

from __future__ import annotations

import json
import sys
import threading
import zlib
from pathlib import Path

import cloudpickle
import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from warmteregio.cli import app as cli_app
from warmteregio.services import sweep
from warmteregio.services.sweep import (
    BuurtSamenvatting,
    PartitionTask,
    SweepError,
    SweepGeannuleerd,
    SweepInstellingen,
    SweepShared,
)
from warmteregio.settings import Settings
from warmteregio.store.db import make_sessionmaker, session_scope
from warmteregio.store.models import Buurt, BuurtLabel, Gemeente, Sweep
from warmteregio.store.models import SweepResultaat as SweepRij

# Dask workers cannot import this test module: ship its functions by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
GOOI = SHARED_DATA / "validation" / "startanalyse2020" / "gooi_en_vechtstreek_startjaar2019_alle_buurten.csv"
NATIONAL = SHARED_DATA / "buurten" / "etm_wm_pbl_sa2020_warmtevraag_weq_per_buurt.csv"
VARIANTS = ("S1a", "S2b", "S4d")

if not GOOI.exists() or not NATIONAL.exists():  # ../shared/data is required; fail loudly instead of skipping
    raise FileNotFoundError(f"shared data not available under {SHARED_DATA}")


# ------------------------------------------------------------------------------------------------ helpers


def fake_partition(task: PartitionTask, shared: SweepShared) -> list[BuurtSamenvatting]:
    """Deterministic per buurt code and seed, independent of the other buurten of the partition."""
    out = []
    for code, gm in zip(task.inputs.bu_code.tolist(), task.gemeente_van.tolist(), strict=True):
        rng = np.random.default_rng(zlib.crc32(f"{shared.instellingen.seed}:{code}".encode()))
        acc = rng.dirichlet(np.ones(len(VARIANTS)))
        w = int(np.argmax(acc))
        tied = tuple(v for i, v in enumerate(VARIANTS) if i != w and acc[i] > 0.3)
        shares = dict(zip(VARIANTS, acc.tolist(), strict=True))
        out.append(BuurtSamenvatting(code, gm, VARIANTS[w], float(acc[w]), tied, shares))
    return out


def slow_partition(task: PartitionTask, shared: SweepShared) -> list[BuurtSamenvatting]:
    import time

    time.sleep(0.3)
    return fake_partition(task, shared)


def failing_partition(task: PartitionTask, shared: SweepShared) -> list[BuurtSamenvatting]:
    if "GM0505" in task.gemeenten or "GM0402" in task.gemeenten:
        raise RuntimeError("rekenfout in partitie")
    return fake_partition(task, shared)


def fake_shared(seed: int = 7) -> SweepShared:
    return SweepShared(SweepInstellingen(seed=seed), {}, "test", "0", {}, None, None, (), {})


@pytest.fixture(scope="module")
def gooi():
    inputs, data = sweep.read_buurten_file(GOOI)
    return inputs, data


@pytest.fixture(scope="module")
def dask_cluster():
    """One LocalCluster (2 worker processes) shared by the tests that reach it through its address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster


@pytest.fixture
def no_criteria_catalogue(monkeypatch):
    """Orchestration tests with the fake partition do not need the criteria catalogue."""
    monkeypatch.setattr(sweep, "load_criteria_and_judgements", lambda instellingen: ([], {}))


# ------------------------------------------------------------------------------------------------ partitions


def test_partitions_are_whole_gemeenten(gooi):
    inputs, data = gooi
    tasks = sweep.make_tasks(inputs, data)
    gemeenten = sorted({sweep.gemeente_of(c) for c in inputs.bu_code})
    assert [t.gemeenten for t in tasks] == [(g,) for g in gemeenten]
    assert sum(len(t) for t in tasks) == len(inputs)
    for t in tasks:
        assert {sweep.gemeente_of(c) for c in t.inputs.bu_code} == set(t.gemeenten)
        assert t.buurt_data["warmtevraag_gj"].shape == (len(t),)
        assert t.buurt_data["labels_w"].shape == (len(t), 8)
    packed = sweep.make_tasks(inputs, data, max_buurten=60)
    assert len(packed) < len(tasks)
    assert all(len(t) <= 60 or len(t.gemeenten) == 1 for t in packed)
    assert [g for t in packed for g in t.gemeenten] == gemeenten


def test_gemeente_from_buurt_code():
    assert sweep.gemeente_of("BU03630001") == "GM0363"


def test_national_table_is_read_with_gemeenten():
    inputs, data = sweep.read_buurten_file(NATIONAL)
    assert len(inputs) == 13_688
    gm = {sweep.gemeente_of(c) for c in inputs.bu_code}
    assert len(gm) > 300
    assert np.all(data["warmtevraag_gj"] >= 0)


def test_inproces_progress_once_per_partition(gooi):
    inputs, data = gooi
    tasks = sweep.make_tasks(inputs, data)
    calls = []
    got = sweep.run_partitions(tasks, fake_shared(), scheduler="inproces", progress=lambda d, t: calls.append((d, t)),
                               partition_fn=fake_partition)  # fmt: skip
    assert calls == [(i, len(tasks)) for i in range(len(tasks) + 1)]
    assert [r.buurt_code for r in got] == sorted(inputs.bu_code.tolist())


def test_cancel_inproces_stops_between_partitions(gooi):
    inputs, data = gooi
    tasks = sweep.make_tasks(inputs, data)
    done = []
    with pytest.raises(SweepGeannuleerd):
        sweep.run_partitions(tasks, fake_shared(), scheduler="inproces", progress=lambda d, t: done.append(d),
                             cancelled=lambda: len(done) >= 3, partition_fn=fake_partition)  # fmt: skip
    assert max(done) == 2 < len(tasks)


def test_cancel_on_dask_cancels_remaining_futures(gooi, dask_cluster):
    inputs, data = gooi
    tasks = sweep.make_tasks(inputs, data)
    done = []
    with pytest.raises(SweepGeannuleerd):
        sweep.run_partitions(tasks, fake_shared(), scheduler=dask_cluster.scheduler_address,
                             progress=lambda d, t: done.append(d), cancelled=lambda: len(done) >= 2,
                             partition_fn=slow_partition)  # fmt: skip
    assert max(done) < len(tasks)


def test_failing_partition_raises(gooi):
    inputs, data = gooi
    with pytest.raises(RuntimeError, match="rekenfout"):
        sweep.run_partitions(sweep.make_tasks(inputs, data), fake_shared(), scheduler="inproces",
                             partition_fn=failing_partition)  # fmt: skip


def test_configured_scheduler_address_is_used(gooi, dask_cluster, monkeypatch):
    import distributed
    from distributed import Client

    inputs, data = gooi
    tasks = sweep.make_tasks(inputs, data)
    seen: list[object] = []

    class SpyClient(Client):
        def __init__(self, address=None, *args, **kwargs):
            seen.append(address)
            super().__init__(address, *args, **kwargs)

    settings = Settings(dask_scheduler=dask_cluster.scheduler_address)
    scheduler = sweep.resolve_scheduler(None, settings.dask_scheduler)
    assert scheduler == dask_cluster.scheduler_address
    monkeypatch.setattr(distributed, "Client", SpyClient)
    calls = []
    got = sweep.run_partitions(tasks, fake_shared(), scheduler=scheduler, progress=lambda d, t: calls.append(d),
                               partition_fn=fake_partition)  # fmt: skip
    assert seen == [dask_cluster.scheduler_address]
    assert dask_cluster.scheduler.status.name == "running"  # an existing cluster stays up after the sweep
    assert sorted(calls) == list(range(len(tasks) + 1))
    assert got == sweep.run_all_at_once(inputs, fake_shared(), data, partition_fn=fake_partition)
    assert got != sweep.run_all_at_once(inputs, fake_shared(seed=8), data, partition_fn=fake_partition)


def test_settings_read_scheduler_from_environment(monkeypatch):
    monkeypatch.setenv("WARMTEREGIO_DASK_SCHEDULER", "tcp://10.1.2.3:8786")
    assert Settings().dask_scheduler == "tcp://10.1.2.3:8786"
    assert sweep.resolve_scheduler(None, Settings().dask_scheduler) == "tcp://10.1.2.3:8786"
    monkeypatch.delenv("WARMTEREGIO_DASK_SCHEDULER")
    assert Settings().dask_scheduler is None
    assert sweep.resolve_scheduler(None, None) == "local"
    assert sweep.resolve_scheduler("INPROCES") == "inproces"


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "changes, nl",
    [
        ({"n_samples": 0}, "aantal trekkingen"),
        ({"seed": -1}, "seed"),
        ({"methode": "elektre"}, "onbekende methode"),
        ({"gelijkspel_drempel": 0.0}, "gelijkspeldrempel"),
        ({"gewichten": {"a": -1.0}}, "gewichten"),
        ({"bereiken": {"a": (0.6, 0.2)}}, "bereik"),
        ({"catalogus": 2019}, "catalogus"),
    ],
)
def test_bad_settings_are_refused_bilingually(changes, nl):
    with pytest.raises(SweepError) as err:
        SweepInstellingen(**changes).validate()
    assert nl in err.value.nl and err.value.en and err.value.en != err.value.nl


def test_bad_scheduler_and_files_are_refused(tmp_path):
    with pytest.raises(SweepError, match="ongeldige scheduler"):
        sweep.resolve_scheduler("mijn cluster")
    with pytest.raises(SweepError) as err:
        sweep.read_buurten_file(tmp_path / "bestaat-niet.csv")
    assert err.value.not_found and "file not found" in err.value.en
    other = tmp_path / "anders.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SweepError, match="onbekend formaat"):
        sweep.read_buurten_file(other)
    broken = tmp_path / "kapot.csv"
    lines = NATIONAL.read_text(encoding="utf-8-sig").splitlines()[:4]
    cells = lines[2].split(",")
    cells[3] = "veel"
    lines[2] = ",".join(cells)
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SweepError) as err:
        sweep.read_buurten_file(broken)
    assert "rij 3" in err.value.nl and "row 3" in err.value.en


def test_unknown_parameter_set_is_refused():
    with pytest.raises(SweepError) as err:
        sweep.prepare_shared(SweepInstellingen(parameterset="bestaat-niet"))
    assert err.value.not_found and "parameter set" in err.value.en


# ------------------------------------------------------------------------------------------------ database


EXTRA_GEMEENTEN = (("GM0590", "Papendrecht"), ("GM0482", "Alblasserdam"))


def add_two_gemeenten(engine: Engine) -> None:
    """Two more gemeenten with two buurten each in region ES18 (next to GM0505 of the ``regio`` fixture)."""
    with session_scope(make_sessionmaker(engine)) as s:
        for n, (gm, naam) in enumerate(EXTRA_GEMEENTEN, start=1):
            s.add(Gemeente(code=gm, jaar=2023, naam=naam, res_code="ES18", provincie_code="PV28"))
            for i in range(1, 3):
                b = Buurt(
                    code=f"BU{gm[2:]}01{i:02d}", jaar=2023, naam=f"{naam} {i}", wijk_code=f"WK{gm[2:]}01",
                    gemeente_code=gm, aantal_woningen=400 * i + 100 * n, aantal_utiliteit=10 * i,
                    weq_woningen=400.0 * i + 100 * n, weq_utiliteit=30.0 * i, weq=400.0 * i + 100 * n + 30 * i,
                    opp_woningen_m2=40_000.0 * i, opp_utiliteit_m2=3_900.0 * i,
                    vraag_ruimteverwarming_gj=16_000.0 * i + 1_000 * n, vraag_tapwater_gj=3_000.0 * i,
                    vraag_apparaten_gj=1_500.0 * i, vraag_totaal_gj=21_000.0 * i, bestaand_warmtenet_aandeel=0.0,
                )  # fmt: skip
                b.labels = [BuurtLabel(label="B", aantal=100.0 * i), BuurtLabel(label="E", aantal=150.0 * i)]
                s.add(b)


@pytest.fixture
def drie_gemeenten(regio: Engine) -> Engine:
    """Region ES18: GM0505 (4 buurten, from tests/services/conftest.py) plus GM0590 and GM0482 (2 each)."""
    add_two_gemeenten(regio)
    return regio


def _rows(engine: Engine, sweep_id: int) -> list[SweepRij]:
    with make_sessionmaker(engine)() as s:
        return list(s.scalars(select(SweepRij).where(SweepRij.sweep_id == sweep_id).order_by(SweepRij.buurt_code)))


@pytest.mark.db
def test_stored_sweep_with_progress(drie_gemeenten: Engine, no_criteria_catalogue):
    factory = make_sessionmaker(drie_gemeenten)
    seen: list[tuple[int, int, int]] = []

    def progress(done: int, total: int) -> None:
        with factory() as s:
            row = s.scalars(select(Sweep)).one()
            seen.append((done, total, row.partities_klaar))
            assert row.status == "bezig"
            assert s.scalar(select(func.count(SweepRij.id))) == 0  # nothing before the end

    sweep_id = sweep.run_sweep(factory, SweepInstellingen(seed=7), regios=["ES18"], scheduler="inproces",
                               progress=progress, partition_fn=fake_partition)  # fmt: skip
    assert seen == [(0, 3, 0), (1, 3, 1), (2, 3, 2), (3, 3, 3)]
    with factory() as s:
        info = sweep.get_sweep(s, sweep_id)
        assert info is not None
        assert (info.status, info.partities_totaal, info.partities_klaar, info.aantal_buurten) == ("klaar", 3, 3, 8)
        assert info.gemeenten == ["GM0482", "GM0505", "GM0590"] and info.regios == ["ES18"]
        assert info.instellingen["seed"] == 7 and info.instellingen["n_samples"] == 10_000
        import warmteregio

        assert info.code_versie == warmteregio.__version__ and info.beeindigd is not None
        stored = sweep.sweep_results(s, sweep_id).items
        overview = sweep.gemeente_overview(s, sweep_id)
        csv_text = sweep.export_csv(s, sweep_id)
    db = _db_inputs(drie_gemeenten)
    expected = sweep.run_all_at_once(db.inputs, fake_shared(7), db.buurt_data, db.gemeente_van,
                                     partition_fn=fake_partition)  # fmt: skip
    assert stored == expected  # JSON round trip keeps every float exactly
    assert [o.gemeente_code for o in overview] == ["GM0482", "GM0505", "GM0590"]
    assert overview[1].gemeente_naam == "Dordrecht" and overview[1].aantal_buurten == 4
    assert sum(t.aantal_buurten for o in overview for t in o.winnaars) == 8
    lines = csv_text.strip().split("\r\n")
    assert lines[0].startswith("buurt_code,gemeente_code,winnaar,acceptatie,gelijkspel,acceptatie_S1a")
    assert len(lines) == 9


def _db_inputs(engine: Engine, shared: SweepShared | None = None):
    from warmteregio.catalogue import load_parameter_set

    with make_sessionmaker(engine)() as s:
        params = shared.params() if shared is not None else load_parameter_set("vesta2025")
        return sweep.database_inputs(s, None, params, shared.varianten if shared is not None else ())


@pytest.mark.db
def test_cancelled_sweep_keeps_no_results(drie_gemeenten: Engine, no_criteria_catalogue):
    factory = make_sessionmaker(drie_gemeenten)

    def progress(done: int, total: int) -> None:
        if done == 1:  # cancel from "another process": through the database only
            with factory() as s:
                sweep_id = s.scalars(select(Sweep.id)).one()
                info = sweep.request_cancel(s, sweep_id)
                s.commit()
                assert info.status == "geannuleerd"

    sweep_id = sweep.run_sweep(factory, SweepInstellingen(), gemeenten=["GM0505", "GM0590", "GM0482"],
                               scheduler="inproces", progress=progress, partition_fn=fake_partition)  # fmt: skip
    with factory() as s:
        info = sweep.get_sweep(s, sweep_id)
        assert info is not None and info.status == "geannuleerd" and info.aantal_buurten == 0
        assert info.partities_klaar < info.partities_totaal
        with pytest.raises(SweepError) as err:
            sweep.request_cancel(s, sweep_id)
        assert err.value.conflict
    assert _rows(drie_gemeenten, sweep_id) == []


@pytest.mark.db
def test_cancel_event_on_dask(drie_gemeenten: Engine, dask_cluster, no_criteria_catalogue):
    factory = make_sessionmaker(drie_gemeenten)
    event = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 1:
            event.set()

    sweep_id = sweep.run_sweep(factory, SweepInstellingen(), regios=["ES18"], scheduler=dask_cluster.scheduler_address,
                               progress=progress, cancel_event=event, partition_fn=slow_partition)  # fmt: skip
    with factory() as s:
        info = sweep.get_sweep(s, sweep_id)
        assert info is not None and info.status == "geannuleerd" and info.scheduler == dask_cluster.scheduler_address
    assert _rows(drie_gemeenten, sweep_id) == []


@pytest.mark.db
def test_failed_sweep_keeps_no_results(drie_gemeenten: Engine, no_criteria_catalogue):
    factory = make_sessionmaker(drie_gemeenten)
    sweep_id = sweep.run_sweep(factory, SweepInstellingen(), regios=["ES18"], scheduler="inproces",
                               partition_fn=failing_partition)  # fmt: skip
    with factory() as s:
        info = sweep.get_sweep(s, sweep_id)
        assert info is not None and info.status == "mislukt" and "rekenfout in partitie" in (info.foutmelding or "")
    assert _rows(drie_gemeenten, sweep_id) == []


@pytest.mark.db
def test_bad_selection_creates_no_sweep(drie_gemeenten: Engine):
    factory = make_sessionmaker(drie_gemeenten)
    with factory() as s:
        with pytest.raises(SweepError) as err:
            sweep.create_sweep(s, SweepInstellingen(), regios=["ES99"])
        assert err.value.not_found and "region ES99" in err.value.en
        with pytest.raises(SweepError):
            sweep.create_sweep(s, SweepInstellingen(), gemeenten=["GM9999"])
        with pytest.raises(SweepError):
            sweep.create_sweep(s, SweepInstellingen(n_samples=-5), regios=["ES18"])
        with pytest.raises(SweepError):
            sweep.create_sweep(s, SweepInstellingen(), regios=["ES18"], scheduler="geen adres")
        s.rollback()
        assert s.scalar(select(func.count(Sweep.id))) == 0


@pytest.mark.db
def test_list_sweeps_newest_first(drie_gemeenten: Engine, no_criteria_catalogue):
    factory = make_sessionmaker(drie_gemeenten)
    first = sweep.run_sweep(factory, SweepInstellingen(seed=1), regios=["ES18"], scheduler="inproces",
                            partition_fn=fake_partition)  # fmt: skip
    second = sweep.run_sweep(factory, SweepInstellingen(seed=2), gemeenten=["GM0590"], scheduler="inproces",
                             partition_fn=fake_partition)  # fmt: skip
    with factory() as s:
        page = sweep.list_sweeps(s)
    assert [i.id for i in page.items] == [second, first]
    assert [i.aantal_buurten for i in page.items] == [2, 8]
    assert json.loads(json.dumps(page.items[0].instellingen))["seed"] == 2


# ------------------------------------------------------------------------------------------------ the real thing


def test_real_sweep_identical_on_two_local_workers(gooi):
    """Engine + criteria + SMAA-2 per gemeente on 2 Dask workers == one in-process call over all buurten."""
    inputs, data = gooi
    keep = np.isin([sweep.gemeente_of(c) for c in inputs.bu_code], ["GM0376", "GM0402", "GM0406"])
    inputs = inputs.subset(keep)
    data = {k: np.asarray(v)[keep] for k, v in data.items()}
    instellingen = SweepInstellingen(parameterset="vesta2020", n_samples=500, seed=3)
    shared = sweep.prepare_shared(instellingen)
    tasks = sweep.make_tasks(inputs, data)
    assert len(tasks) == 3
    calls = []
    got = sweep.run_partitions(tasks, shared, scheduler="local", n_workers=2, progress=lambda d, t: calls.append(d))
    assert sorted(calls) == [0, 1, 2, 3]
    once = sweep.run_all_at_once(inputs, shared, data)
    assert len(got) == len(inputs) == len(once)
    assert [r.buurt_code for r in got] == [r.buurt_code for r in once]
    for a, b in zip(got, once, strict=True):
        assert a.winnaar == b.winnaar and a.gelijkspel == b.gelijkspel
        assert a.acceptatie == b.acceptatie and a.acceptaties == b.acceptaties
    assert sum(r.winnaar is not None for r in got) >= 0.9 * len(got)
    for r in got:  # shares of first rank: sum to 1 where some variant is available, else nothing wins
        assert abs(sum(r.acceptaties.values()) - (1.0 if r.winnaar else 0.0)) < 1e-9
        assert r.winnaar is None or r.acceptatie == max(r.acceptaties.values())
    other_shared = sweep.prepare_shared(SweepInstellingen(parameterset="vesta2020", n_samples=500, seed=4))
    other = sweep.run_all_at_once(inputs, other_shared, data)
    assert [r.acceptaties for r in other] != [r.acceptaties for r in once]


@pytest.mark.db
def test_real_stored_sweep_equals_single_call(drie_gemeenten: Engine):
    factory = make_sessionmaker(drie_gemeenten)
    instellingen = SweepInstellingen(n_samples=300, seed=11)
    sweep_id = sweep.run_sweep(factory, instellingen, regios=["ES18"], scheduler="inproces")
    with factory() as s:
        info = sweep.get_sweep(s, sweep_id)
        assert info is not None and info.status == "klaar", info.foutmelding
        stored = sweep.sweep_results(s, sweep_id).items
    shared = sweep.prepare_shared(instellingen)
    db = _db_inputs(drie_gemeenten, shared)
    assert stored == sweep.run_all_at_once(db.inputs, shared, db.buurt_data, db.gemeente_van, invoer=db.invoer)
    assert len(stored) == 8 and all(r.winnaar is not None for r in stored)


# ------------------------------------------------------------------------------------------------ CLI


def _out(result) -> str:
    try:
        return result.output + (result.stderr or "")
    except ValueError:
        return result.output


def test_cli_file_sweep_writes_csv(tmp_path):
    out = tmp_path / "sweep.csv"
    result = CliRunner().invoke(cli_app, ["sweep", "start", "--bestand", str(GOOI), "--gemeente", "GM0402",
                                          "--parameters", "vesta2020", "--samples", "200", "--scheduler",
                                          "inproces", "--csv", str(out)])  # fmt: skip
    assert result.exit_code == 0, _out(result)
    lines = out.read_text(encoding="utf-8").strip().splitlines()
    assert lines[0].startswith("buurt_code,gemeente_code,winnaar")
    assert len(lines) - 1 == sum(1 for c in sweep.read_buurten_file(GOOI)[0].bu_code if c.startswith("BU0402"))


@pytest.mark.parametrize(
    "args, nl",
    [
        (["--bestand", "bestaat-niet.csv", "--scheduler", "inproces"], "bestand niet gevonden"),
        (["--bestand", str(GOOI), "--samples", "0", "--scheduler", "inproces"], "aantal trekkingen"),
        (["--bestand", str(GOOI), "--scheduler", "ergens heen"], "ongeldige scheduler"),
        (["--scheduler", "inproces"], "kies --regio, --gemeente of --bestand"),
        (["--bestand", str(GOOI), "--gemeente", "GM9999", "--scheduler", "inproces"], "geen buurten"),
    ],
)
def test_cli_bad_input_exits_2(args, nl):
    result = CliRunner().invoke(cli_app, ["sweep", "start", *args])
    assert result.exit_code == 2, _out(result)
    assert nl in _out(result) and "ERROR" in _out(result)


def test_cli_status_of_unknown_sweep_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("WARMTEREGIO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    from warmteregio.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["sweep", "status", "12345"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "sweep 12345 niet gevonden" in _out(result) and "not found" in _out(result)


def test_input_uncertainty_is_partition_independent_too(gooi):
    inputs, data = gooi
    keep = np.isin([sweep.gemeente_of(c) for c in inputs.bu_code], ["GM0402", "GM0406"])
    inputs = inputs.subset(keep)
    data = {k: np.asarray(v)[keep] for k, v in data.items()}
    shared = sweep.prepare_shared(SweepInstellingen(parameterset="vesta2020", n_samples=100, seed=9, onzekerheid=True))
    plain = sweep.prepare_shared(SweepInstellingen(parameterset="vesta2020", n_samples=100, seed=9))
    got = sweep.run_partitions(sweep.make_tasks(inputs, data), shared, scheduler="inproces")
    assert got == sweep.run_all_at_once(inputs, shared, data)
    assert [r.acceptaties for r in got] != [r.acceptaties for r in sweep.run_all_at_once(inputs, plain, data)]
