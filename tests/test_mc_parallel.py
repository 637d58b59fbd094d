"""The Monte Carlo runner in parallel: the same numbers, byte for byte, sequentially, on local processes
(joblib's loky) and on a Dask cluster.

``her2ned.bias.monte_carlo`` draws replicate ``i`` from the ``i``-th child of
``SeedSequence(seed)`` and cuts the replicates into chunks of ``chunk_size`` whatever the number of
workers, so a chunk's result depends on its replicates' seeds alone. The cluster here is a
``distributed.LocalCluster`` of two worker processes listening on 127.0.0.1 only.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager

import joblib
import numpy as np
import pandas as pd
import pytest

from her2ned.bias import ESTIMATORS, _mc_chunk, _seed_sequence, estimate_all, monte_carlo
from her2ned.simulate import SimulationParams, simulate_arrays

PARAMS = SimulationParams(n=300)
STUDY = dict(n_replicates=40, seed=20260313, chunk_size=10, progress=False)
CLUSTER_TIMEOUT_S = 240  # generous: starting two workers takes a few seconds on a 2-core machine


@contextmanager
def watchdog(seconds: int):
    """Fail (rather than hang the suite) if the block runs longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def sequential():
    return monte_carlo(PARAMS, **STUDY).replicates


def test_loky_two_processes_equal_sequential(sequential):
    with watchdog(CLUSTER_TIMEOUT_S):
        loky = monte_carlo(PARAMS, **STUDY, n_jobs=2, backend="loky").replicates
    pd.testing.assert_frame_equal(loky, sequential, check_exact=True)


@pytest.fixture(scope="module")
def dask_client():
    import distributed  # in the test extra: a missing install fails rather than skips

    with watchdog(CLUSTER_TIMEOUT_S):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        client = distributed.Client(cluster)
        client.wait_for_workers(2, timeout=CLUSTER_TIMEOUT_S)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.mark.cluster
def test_dask_cluster_equals_sequential(sequential, dask_client):
    """Under ``joblib.parallel_config(backend="dask")`` every chunk runs on the cluster's workers, and
    the replicates are exactly the sequential ones."""
    from distributed import get_task_stream

    with (
        watchdog(CLUSTER_TIMEOUT_S),
        get_task_stream(dask_client) as tasks,
        joblib.parallel_config(backend="dask", wait_for_workers_timeout=CLUSTER_TIMEOUT_S),
    ):
        on_cluster = monte_carlo(PARAMS, **STUDY)
    pd.testing.assert_frame_equal(on_cluster.replicates, sequential, check_exact=True)
    ran = [t for t in tasks.data if "_mc_chunk" in t["key"]]
    assert ran, "no chunk ran on the cluster"
    assert {t["worker"] for t in ran} <= set(dask_client.scheduler_info()["workers"])
    # the summary is a function of the replicates, so it agrees exactly too
    pd.testing.assert_frame_equal(on_cluster.summary, monte_carlo(PARAMS, **STUDY).summary, check_exact=True)


def test_chunks_do_not_depend_on_workers_or_order(sequential):
    """Each chunk is a function of (seed, first replicate, size): computed in reverse order, or by two
    threads, the chunks are the sequential run's, byte for byte."""
    root = _seed_sequence(STUDY["seed"])
    size, total = STUDY["chunk_size"], STUDY["n_replicates"]
    starts = list(range(0, total, size))
    backwards = {s: _mc_chunk(PARAMS, root, s, size, 24.0, ESTIMATORS) for s in reversed(starts)}
    together = pd.concat([backwards[s] for s in starts], ignore_index=True)
    pd.testing.assert_frame_equal(together, sequential, check_exact=True)
    for n_jobs in (1, 2, 3):
        threads = monte_carlo(PARAMS, **STUDY, n_jobs=n_jobs, backend="threading").replicates
        pd.testing.assert_frame_equal(threads, sequential, check_exact=True)


def test_each_replicate_has_its_own_seed(sequential):
    """Replicate i is the population drawn from SeedSequence(seed).spawn(...)[i], whichever chunk holds
    it; the chunk size changes only how the fits are batched (agreement to rounding)."""
    children = np.random.SeedSequence(STUDY["seed"]).spawn(STUDY["n_replicates"])
    for i in (0, 13, 39):
        alone = estimate_all(simulate_arrays(PARAMS, np.random.default_rng(children[i])), estimators=ESTIMATORS)
        mine = sequential[sequential["replicate"] == i].reset_index(drop=True)
        np.testing.assert_allclose(mine["log_hr"], alone["log_hr"], rtol=0, atol=1e-12)
        assert mine["n_patients"].tolist() == alone["n_patients"].tolist()
        assert mine["n_events"].tolist() == alone["n_events"].tolist()
    rechunked = monte_carlo(PARAMS, **{**STUDY, "chunk_size": 7}).replicates
    pd.testing.assert_frame_equal(
        rechunked[["replicate", "estimator", "n_patients", "n_events"]],
        sequential[["replicate", "estimator", "n_patients", "n_events"]],
    )
    np.testing.assert_allclose(rechunked["log_hr"], sequential["log_hr"], rtol=0, atol=1e-12)


def test_seed_kinds():
    """An int and its SeedSequence give the same study; a Generator gives a deterministic one."""
    small = dict(n_replicates=4, chunk_size=2, progress=False)
    by_int = monte_carlo(PARAMS, seed=5, **small).replicates
    root = np.random.SeedSequence(5)
    by_sequence = monte_carlo(PARAMS, seed=root, **small).replicates
    pd.testing.assert_frame_equal(by_int, by_sequence, check_exact=True)
    assert root.n_children_spawned == 0  # not advanced: the same SeedSequence gives the same study again
    a = monte_carlo(PARAMS, seed=np.random.default_rng(5), **small).replicates
    b = monte_carlo(PARAMS, seed=np.random.default_rng(5), **small).replicates
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not a["log_hr"].equals(by_int["log_hr"])


@pytest.mark.parametrize(
    "kwargs, err, name",
    [
        (dict(n_jobs=0), ValueError, "n_jobs"),
        (dict(n_jobs=-1), ValueError, "n_jobs"),
        (dict(n_jobs=2.0), ValueError, "n_jobs"),
        (dict(backend="spark"), ValueError, "backend"),
        (dict(backend=3), TypeError, "backend"),
        (dict(seed=-1), TypeError, "seed"),
        (dict(seed=1.5), TypeError, "seed"),
        (dict(chunk_size=0), ValueError, "chunk_size"),
        (dict(progress="yes"), TypeError, "progress"),
    ],
)
def test_bad_arguments_are_named(kwargs, err, name):
    with pytest.raises(err, match=name):
        monte_carlo(PARAMS, **{"n_replicates": 2, "seed": 1, "progress": False, **kwargs})
