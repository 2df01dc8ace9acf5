#!/usr/bin/python3
"""Export the benchmark networks (VGG-16, ResNet-50; seeded random weights) to ONNX.

    /usr/bin/python3 tools/bench/export_bench_models.py [--out bench/models]

Writes <out>/vgg16.onnx (~528 MB) and <out>/resnet50.onnx (~98 MB): opset 13, input `input`
(n, 3, 224, 224) with a dynamic batch axis, output `logits` (n, 1000). bench/models/ is gitignored;
never commit these files.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_models  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "models"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in bench_models.MODELS:
        model = bench_models.build(name)
        path = os.path.join(args.out, f"{name}.onnx")
        x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
        torch.onnx.export(
            model, x, path, opset_version=13, input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "n"}, "logits": {0: "n"}}, do_constant_folding=True,
        )
        with torch.no_grad():
            logits = model(x)
        print(f"{path}: {os.path.getsize(path) / 2**20:.1f} MiB, logits[0,:3] = {logits[0, :3].tolist()}")


if __name__ == "__main__":
    main()
