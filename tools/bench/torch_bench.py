#!/usr/bin/python3
"""Time PyTorch forward and Zennit 0.5.1 LRP on VGG-16 and ResNet-50 (CPU, 2 threads), print JSON.

    ZENNIT_SRC=/tmp/zennit/src /usr/bin/python3 tools/bench/torch_bench.py [--runs 10] [--batches 1 16]

For each model, batch size (224x224 inputs) and task, one warm-up call is excluded, then `runs`
timed calls give median / min / max / IQR in milliseconds (`--budget S` stops a case early, after
at least 3 runs, once S seconds are spent; the JSON records the actual run count). Tasks: `forward` (no_grad), and
`zennit-<composite>`: a zennit Gradient attributor with EpsilonPlusFlat or EpsilonGammaBox(low=-3,
high=3), target = arg-max, canonizers SequentialMergeBatchNorm (VGG) / ResNetCanonizer (ResNet);
the composite is registered once, so each call is one forward plus the modified backward.
Also reports the BLAS library torch loaded and torch.matmul 1024x1024 float32 GFLOP/s.
See tools/fixtures/README.md for how to get Zennit.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")  # before torch loads OpenBLAS
# Sleeping (not spinning) OpenMP workers: on a CPU shared with other jobs, GNU OpenMP's default
# spin-waiting made 2-thread ResNet-50 forwards 3-8x slower than 1 thread (measured 2026-11-24:
# 3.3 s vs 0.41 s per batch-1 forward); with PASSIVE, 2 threads were as fast as 1 or faster.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
import bench_models  # noqa: E402
from zennit_env import import_zennit  # noqa: E402


def stats(times):
    t = np.asarray(times) * 1e3
    q1, q3 = np.percentile(t, [25, 75])
    return {"median_ms": float(np.median(t)), "min_ms": float(t.min()), "max_ms": float(t.max()),
            "iqr_ms": float(q3 - q1), "runs": len(t)}


def timed(fn, runs, warmup=1, budget=None, min_runs=3):
    """Time ``runs`` calls after ``warmup``; with ``budget`` (seconds), stop early once ``min_runs``
    calls are done and the budget is spent (the JSON then shows the smaller run count)."""
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if budget is not None and len(times) >= min_runs and time.perf_counter() - start > budget:
            break
    return stats(times)


def blas_libraries():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()}
    return sorted(os.path.realpath(p) for p in libs if p.startswith("/"))


def gemm_gflops(n=1024, runs=20):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    s = timed(lambda: torch.matmul(a, b), runs, warmup=3)
    return {"n": n, "median_gflops": 2 * n**3 / (s["median_ms"] * 1e-3) / 1e9,
            "best_gflops": 2 * n**3 / (s["min_ms"] * 1e-3) / 1e9, **s}


def composite(name, model_name):
    from zennit.canonizers import SequentialMergeBatchNorm
    from zennit.composites import EpsilonGammaBox, EpsilonPlusFlat
    from zennit.torchvision import ResNetCanonizer

    cans = [ResNetCanonizer()] if model_name.startswith("resnet") else [SequentialMergeBatchNorm()]
    if name == "epsilon-plus-flat":
        return EpsilonPlusFlat(canonizers=cans)
    return EpsilonGammaBox(low=-3.0, high=3.0, canonizers=cans)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zennit", help="folder containing the zennit package (default: $ZENNIT_SRC)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 16])
    ap.add_argument("--models", nargs="+", default=list(bench_models.MODELS))
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds per (model, batch, task): stop after >= --min-runs runs once spent (default: no limit)")
    ap.add_argument("--min-runs", type=int, default=3)
    ap.add_argument("--forward-only", action="store_true", help="time the forward pass only (no Zennit)")
    args = ap.parse_args()
    if not args.forward_only:
        import_zennit(args.zennit)
        from zennit.attribution import Gradient

    torch.set_num_threads(2)
    torch.set_num_interop_threads(1)
    result = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpu": cpu_name(), "nproc": os.cpu_count(), "platform": platform.platform()},
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "env": {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OPENBLAS_NUM_THREADS")},
        "load_average_at_start": os.getloadavg(),
        "gemm_1024_fp32": gemm_gflops(),
        "blas_libraries": blas_libraries(),
        "results": [],
    }
    # Without Debian's libopenblas0-pthread, torch falls back to the reference BLAS (libblas3), several times slower on
    # the dense layers (VGG-16's classifier): the peer would be slower than on the machines the results were set on.
    if not any("openblas" in lib for lib in result["blas_libraries"]) and os.environ.get("PLRP_PEER_ANY_BLAS") != "1":
        sys.exit(f"torch loaded no OpenBLAS ({result['blas_libraries']}): apt-get install libopenblas0-pthread "
                 "(or set PLRP_PEER_ANY_BLAS=1 to time it anyway)")
    for model_name in args.models:
        model = bench_models.build(model_name)
        for batch in args.batches:
            x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(batch))
            with torch.no_grad():
                fwd = timed(lambda: model(x), args.runs, budget=args.budget, min_runs=args.min_runs)
            result["results"].append({"model": model_name, "batch": batch, "task": "forward", **fwd})
            print(json.dumps(result["results"][-1]), file=sys.stderr, flush=True)
            for comp in () if args.forward_only else ("epsilon-plus-flat", "epsilon-gamma-box"):
                def attr_output(out):
                    return out * torch.nn.functional.one_hot(out.argmax(1), out.shape[1]).to(out)

                with Gradient(model=model, composite=composite(comp, model_name)) as attributor:
                    s = timed(lambda: attributor(x.clone(), attr_output), args.runs, budget=args.budget, min_runs=args.min_runs)
                result["results"].append({"model": model_name, "batch": batch, "task": f"zennit-{comp}", **s})
                print(json.dumps(result["results"][-1]), file=sys.stderr, flush=True)
    result["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=1))


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


if __name__ == "__main__":
    main()
