#!/usr/bin/env python3
"""OpenBLAS batch-1 dense layer (SGEMV) on the shapes of bench/PrunedLrp.Bench/QuickDense.cs, for bench/results/gemm.md.

Run: OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tools/bench/gemv_openblas.py [repeats]
forward = W @ x (W [out, in] row-major), backward = dy @ W; best of `repeats` means of 10 calls.
"""
import os
import sys
import time

if "OPENBLAS_NUM_THREADS" not in os.environ:
    sys.exit("set OPENBLAS_NUM_THREADS (e.g. 2) before running")

import numpy as np  # noqa: E402

SHAPES = [(1000, 4096), (4096, 4096), (4096, 25088)]


def best(fn, repeats):
    fn()
    result = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(10):
            fn()
        result = min(result, (time.perf_counter() - t0) / 10)
    return result


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    print(f"numpy {np.__version__}, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, repeats={repeats}")
    print("| out x in | forward ms | forward GB/s | backward ms | backward GB/s |")
    print("|---|---:|---:|---:|---:|")
    rng = np.random.default_rng(1)
    for o, i in SHAPES:
        w = rng.standard_normal((o, i), dtype=np.float32)
        x = rng.standard_normal(i, dtype=np.float32)
        dy = rng.standard_normal(o, dtype=np.float32)
        f = best(lambda: w @ x, repeats)
        b = best(lambda: dy @ w, repeats)
        gb = 4.0 * o * i / 1e9
        print(f"| {o} x {i} | {f * 1e3:.2f} | {gb / f:.1f} | {b * 1e3:.2f} | {gb / b:.1f} |", flush=True)


if __name__ == "__main__":
    main()
