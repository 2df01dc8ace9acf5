#!/usr/bin/env bash
# Batch-16 throughput, same session: PyTorch forward (2 threads) against plrp bench forward and explain
# (epsilon-plus-flat), VGG-16 and ResNet-50, each side back to back per model. Writes bench/results/batch16.md.
#   [PLRP=publish/plrp] tools/bench/batch16.sh [runs] [output.md]
# Needs bench/models/{vgg16,resnet50}.plrp (see compare_zennit.sh) and Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
out=${2:-bench/results/batch16.md}
tmp=$(mktemp -d)
dotnet build -c Release src/PrunedLrp.Cli >/dev/null 2>&1 || dotnet build -c Release src/PrunedLrp.Cli
plrp=${PLRP:-"dotnet src/PrunedLrp.Cli/bin/Release/net10.0/plrp.dll"}
for model in resnet50 vgg16; do
  /usr/bin/python3 tools/bench/torch_bench.py --models "$model" --batches 16 --runs "$runs" --forward-only > "$tmp/torch-$model.json"
  $plrp bench -m bench/models/$model.plrp --batch 16 --runs "$runs" --warmup 1 --composite epsilon-plus-flat --json > "$tmp/plrp-$model.json"
done
{
  echo "# Batch 16: plrp vs PyTorch forward (same session)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Date: $(date -u +%FT%TZ)."
  echo "Command: \`${PLRP:+PLRP=$PLRP }tools/bench/batch16.sh $runs\` (plrp: $plrp). Medians of $runs runs after warm-up, 224x224."
  echo
  /usr/bin/python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
print('| model | PyTorch forward (ms / batch) | plrp forward (ms / batch) | speed-up | plrp forward images/s | plrp explain e+flat images/s |')
print('|---|---:|---:|---:|---:|---:|')
for model in ['resnet50', 'vgg16']:
    t = json.load(open(os.path.join(tmp, f'torch-{model}.json')))
    torch = next(r['median_ms'] for r in t['results'] if r['task'] == 'forward' and r['batch'] == 16)
    p = json.load(open(os.path.join(tmp, f'plrp-{model}.json')))
    f, e = p['Forward']['MedianMs'], p['Explain']['MedianMs']
    print(f"| {model} | {torch:.0f} ({16000 / torch:.1f} images/s) | {f:.0f} | {torch / f:.2f}x | {16000 / f:.1f} | {16000 / e:.1f} |")
PY
} > "$out"
echo "wrote $out"
