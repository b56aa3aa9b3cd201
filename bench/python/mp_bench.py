"""CPython multiprocessing.Pool side of the pypool benchmark (see docs/performance.md).

Usage: python3 bench/python/mp_bench.py '<params JSON>'

The params JSON is built by bench/run.ts (one workload per call, one fresh interpreter per
measurement). The script prints exactly one JSON line: {"ok": true, "metrics": {...}}.
Every pool uses the 'fork' start method with `processes` workers (2 unless the params say
otherwise). Peak memory is not measured here: the runner samples /proc for the whole process tree.
"""

import json
import multiprocessing as mp
import os
import statistics
import sys
import time

# ----------------------------------------------------------------------------------------------
# Task functions (module level so that they pickle by reference, as a Python user would write them)


def inc(x):
    return x + 1


def sq(x):
    return x * x


def identity(x):
    return x


def echo(payload):
    return payload


def cpu_work(iters):
    """Integer xorshift32 loop; the same algorithm as cpuWork in bench/cpu-work.ts (same results)."""
    x = 2463534242
    acc = 0
    for _ in range(iters):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        acc = (acc + (x & 0xFFFF)) & 0x3FFFFFFF
    return acc


# ----------------------------------------------------------------------------------------------

CTX = mp.get_context("fork")
now = time.perf_counter


def new_pool(params, processes=None):
    return CTX.Pool(processes or params.get("processes", 2))


def warm(pool):
    # Make sure every worker has started and answered once before timing.
    pool.map(inc, range(8), 1)


def w_apply_latency(p):
    n = p["n"]
    with new_pool(p) as pool:
        warm(pool)
        for i in range(p.get("warmup", 100)):
            pool.apply(inc, (i,))
        lat = []
        t0 = now()
        for i in range(n):
            s = now()
            r = pool.apply(inc, (i,))
            lat.append(now() - s)
            assert r == i + 1
        total = now() - t0
    lat.sort()
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1e6
    return {"us_per_call": total / n * 1e6, "p50_us": statistics.median(lat) * 1e6, "p90_us": q(0.9), "p99_us": q(0.99)}


def w_apply_async_burst(p):
    n = p["n"]
    with new_pool(p) as pool:
        warm(pool)
        t0 = now()
        results = [pool.apply_async(inc, (i,)) for i in range(n)]
        submitted = now() - t0
        total = 0
        for r in results:
            total += r.get()
        elapsed = now() - t0
    assert total == n * (n + 1) // 2
    return {"tasks_per_s": n / elapsed, "submit_ms": submitted * 1e3, "elapsed_ms": elapsed * 1e3}


def w_map(p):
    n = p["n"]
    nulls = p.get("items") == "null"
    xs = [None] * n if nulls else list(range(n))
    with new_pool(p) as pool:
        warm(pool)
        t0 = now()
        out = pool.map(identity if nulls else sq, xs, p.get("chunksize"))
        elapsed = now() - t0
    assert len(out) == n and out[-1] == (None if nulls else (n - 1) * (n - 1))
    return {"items_per_s": n / elapsed, "elapsed_ms": elapsed * 1e3}


def w_map_first(p):
    n = p["n"]
    xs = list(range(n))
    times = []
    with new_pool(p) as pool:
        warm(pool)
        for _ in range(p.get("rounds", 4)):
            t0 = now()
            out = pool.map(sq, xs, p.get("chunksize"))
            times.append(now() - t0)
            assert out[-1] == (n - 1) * (n - 1)
    later = statistics.median(times[1:])
    return {"first_ms": times[0] * 1e3, "later_ms": later * 1e3, "first_over_later": times[0] / later}


def w_startup(p):
    t0 = now()
    pool = new_pool(p)
    r = pool.apply(inc, (1,))
    first = now() - t0
    assert r == 2
    pool.terminate()
    pool.join()
    return {"first_result_ms": first * 1e3}


def w_cpu(p):
    tasks, iters = p["tasks"], p["iters"]
    t0 = now()
    serial = [cpu_work(iters) for _ in range(tasks)]
    serial_s = now() - t0
    out = {"serial_ms": serial_s * 1e3, "task_ms": serial_s / tasks * 1e3}
    for workers in (1, 2):
        with new_pool(p, workers) as pool:
            warm(pool)
            t0 = now()
            res = pool.map(cpu_work, [iters] * tasks, 1)
            el = now() - t0
        assert res == serial
        out[f"w{workers}_ms"] = el * 1e3
        out[f"speedup_w{workers}"] = serial_s / el
    return out


def w_payload(p):
    if p.get("transfer"):
        return {"skipped": "CPython cannot transfer a buffer: arguments and results are pickled"}
    size = p["mb"] * 1024 * 1024
    data = os.urandom(size)
    times = []
    with new_pool(p) as pool:
        warm(pool)
        for _ in range(p.get("warmup", 1)):
            pool.apply(echo, (data,))
        for _ in range(p["rounds"]):
            t0 = now()
            back = pool.apply(echo, (data,))
            times.append(now() - t0)
            assert len(back) == size
    med = statistics.median(times)
    return {"mb_per_s": p["mb"] / med, "round_trip_ms": med * 1e3}


def gen(n):
    for i in range(n):
        yield i


def w_imap(p):
    n = p["n"]
    total = 0
    with new_pool(p) as pool:
        warm(pool)
        t0 = now()
        for r in pool.imap(sq, gen(n), p["chunksize"]):
            total += r
        elapsed = now() - t0
    assert total == (n - 1) * n * (2 * n - 1) // 6
    return {"items_per_s": n / elapsed, "elapsed_ms": elapsed * 1e3}


WORKLOADS = {
    "apply_latency": w_apply_latency,
    "apply_async_burst": w_apply_async_burst,
    "map": w_map,
    "map_first": w_map_first,
    "startup": w_startup,
    "cpu": w_cpu,
    "payload": w_payload,
    "imap": w_imap,
}


def main():
    params = json.loads(sys.argv[1])
    try:
        metrics = WORKLOADS[params["workload"]](params)
        out = {"ok": True, "metrics": metrics}
    except Exception as e:  # report, do not hide: the runner shows it in the table
        out = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
