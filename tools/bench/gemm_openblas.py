#!/usr/bin/env python3
"""OpenBLAS SGEMM throughput on the shapes of bench/PrunedLrp.Bench/GemmBenchmarks.cs, for bench/results/gemm.md.

Run: OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tools/bench/gemm_openblas.py [repeats] [name filter]
numpy here links Debian's libopenblas0-pthread (numpy.show_config() / ldd); the env var must be set before numpy loads,
so the script refuses to run without it. Reports the best and median of `repeats` timed runs (GFLOP/s = 2mnk / s) and the best
GFLOP per CPU-second (process CPU time; robust against other processes taking our time slices).
"""
import os
import sys
import time

if "OPENBLAS_NUM_THREADS" not in os.environ:
    sys.exit("set OPENBLAS_NUM_THREADS (e.g. 2) before running")

import numpy as np  # noqa: E402  (import after the thread count is fixed)

with open("/proc/self/maps") as maps:
    if not any("openblas" in line for line in maps):
        sys.exit("numpy loaded no OpenBLAS (Debian's reference libblas3 instead?): apt-get install libopenblas0-pthread")

SHAPES = [
    ("square 256", 256, 256, 256),
    ("square 512", 512, 512, 512),
    ("square 1024", 1024, 1024, 1024),
    ("square 2048", 2048, 2048, 2048),
    ("vgg conv1_1", 64, 224 * 224, 27),
    ("vgg conv2_2", 128, 112 * 112, 576),
    ("vgg conv3_2", 256, 56 * 56, 1152),
    ("vgg conv4_2", 512, 28 * 28, 2304),
    ("vgg conv5_2", 512, 14 * 14, 4608),
    ("resnet 1x1 56x56", 256, 56 * 56, 64),
    ("resnet 1x1 14x14 up", 1024, 14 * 14, 256),
    ("resnet 1x1 14x14 down", 256, 14 * 14, 1024),
    ("resnet 1x1 7x7 up", 2048, 7 * 7, 512),
    ("resnet 1x1 7x7 down", 512, 7 * 7, 2048),
]


def bench(m, n, k, repeats):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    flop = 2.0 * m * n * k
    inner = max(1, int(2e9 / flop))  # ~0.01-0.02 s per timed sample
    np.matmul(a, b, out=c)
    times, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(inner):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t0) / inner)
        cpu.append((time.process_time() - c0) / inner)
    times.sort()
    return flop / times[0] / 1e9, flop / times[len(times) // 2] / 1e9, flop / min(cpu) / 1e9


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    name_filter = sys.argv[2].lower() if len(sys.argv) > 2 else None
    print(f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, repeats={repeats}")
    print("| shape | M | N | K | best GFLOP/s | median GFLOP/s | best GFLOP per CPU-s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, m, n, k in SHAPES:
        if name_filter and name_filter not in name.lower():
            continue
        best, med, per_cpu = bench(m, n, k, repeats)
        print(f"| {name} | {m} | {n} | {k} | {best:.1f} | {med:.1f} | {per_cpu:.1f} |", flush=True)


if __name__ == "__main__":
    main()
