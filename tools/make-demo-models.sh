#!/usr/bin/env bash
# Converts the trained demo models (made by tools/train/*.py) into the model files the CLI embeds.
set -euo pipefail
cd "$(dirname "$0")/.."
for name in fashion genomics; do
  dotnet run --project tools/PrunedLrp.Convert -c Release -- data/models/$name/model.onnx data/models/$name/model.plrp \
    --labels data/models/$name/labels.txt
done
