"""Thread pools follow the CPUs the process may use: affinity (taskset) and the cgroup quota (Binder)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from synthnb._threads import cgroup_cpu_limit


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("max 100000", None), ("50000 100000", 1), ("100000 100000", 1), ("150000 100000", 2), ("400000 200000", 2)],
)
def test_cgroup_v2_quota_is_rounded_up(tmp_path, cpu_max, expected):
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    assert cgroup_cpu_limit(tmp_path) == expected


@pytest.mark.parametrize(("quota", "period", "expected"), [("-1", "100000", None), ("250000", "100000", 3)])
def test_cgroup_v1_cfs_quota(tmp_path, quota, period, expected):
    cpu = tmp_path / "cpu,cpuacct"
    cpu.mkdir()
    (cpu / "cpu.cfs_quota_us").write_text(quota)
    (cpu / "cpu.cfs_period_us").write_text(period)
    assert cgroup_cpu_limit(tmp_path) == expected


def test_no_cgroup_files_means_no_quota(tmp_path):
    assert cgroup_cpu_limit(tmp_path) is None


PROBE = """
import json
import numba, numpy, sklearn.ensemble  # loads OpenBLAS and scikit-learn's OpenMP before synthnb caps them
import torch
torch.set_num_threads(2)  # torch's own OpenMP pool at 2, as a host default would leave it
from threadpoolctl import threadpool_info
import pandas as pd
import synthnb

def counts():  # every pool, torch's own OpenMP copy included (two libgomp copies may be loaded)
    pools = {f"{i['internal_api']} {i['filepath']}": i["num_threads"] for i in threadpool_info()}
    return {"numba": numba.get_num_threads(), **pools}

before = counts()
df = pd.DataFrame({"a": [float(i % 7) for i in range(60)], "b": ["x", "y", "z"] * 20})
synthnb.fit(df, rows=20, seed=0)
print(json.dumps({"before": before, "after": counts()}))
"""


@pytest.mark.skipif(shutil.which("taskset") is None or len(os.sched_getaffinity(0)) < 2, reason="needs taskset, 2 CPUs")
def test_fit_caps_numba_and_openmp_to_one_cpu_under_taskset():
    # the pools start at 2 (as they would on a host whose cores the process cannot all use)
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}
    out = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["before"]["numba"] == 2 and any(k.startswith("openmp") for k in report["before"]), report
    assert max(report["before"].values()) == 2, report
    assert set(report["after"].values()) == {1}, report


QUOTA_PROBE = """
import os
os.environ.pop("NUMBA_NUM_THREADS", None)
import numba, numpy as np
from numba import njit, prange

@njit(parallel=True)
def total(a):
    s = 0.0
    for i in prange(a.size):
        s += a[i]
    return s

total(np.ones(10))  # the pool starts with every CPU of the affinity mask
from synthnb import _threads
_threads.available_cpus = lambda: 1  # as under a cgroup quota of one CPU
_threads.limit_threads()
njit(lambda x: x + 1)(1)  # numba's compiler re-reads its configuration here
print(numba.get_num_threads(), numba.config.NUMBA_NUM_THREADS, "NUMBA_NUM_THREADS" in os.environ)
"""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs")
def test_a_quota_below_the_started_numba_pool_is_applied_without_breaking_numba():
    out = subprocess.run([sys.executable, "-c", QUOTA_PROBE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    threads, pool, env_set = out.stdout.split()
    assert int(threads) == 1 and int(pool) >= 2 and env_set == "False"


def test_sections_leave_a_core_to_the_profile_worker_while_it_builds(monkeypatch):
    """While a comparison builds in the profile worker, each section runs on one CPU fewer; after, on all."""
    from types import SimpleNamespace

    import sklearn.ensemble  # noqa: F401  (loads OpenBLAS and OpenMP, the pools the share must reach)
    from threadpoolctl import threadpool_info

    from synthnb._threads import available_cpus
    from synthnb.evaluation import _evaluation
    from synthnb.evaluation import profile as profile_mod
    from synthnb.evaluation._section import Section

    seen = []

    def compute(ctx):
        seen.append((available_cpus(), {int(p["num_threads"]) for p in threadpool_info()}))
        return Section(name="probe", title="Probe", score=1.0)

    spec = SimpleNamespace(title="Probe", compute=compute)
    monkeypatch.setattr(_evaluation, "section_spec", lambda name: spec)
    cpus = available_cpus()
    monkeypatch.setattr(profile_mod, "busy", lambda: True)
    _evaluation._compute("probe", None)
    monkeypatch.setattr(profile_mod, "busy", lambda: False)
    _evaluation._compute("probe", None)
    assert seen[0][0] == max(1, cpus - 1) and max(seen[0][1]) <= max(1, cpus - 1)
    assert seen[1][0] == cpus
    assert available_cpus() == cpus  # the share ends with the section
