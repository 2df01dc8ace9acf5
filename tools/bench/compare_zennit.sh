#!/usr/bin/env bash
# Same-session comparison: PyTorch forward + Zennit 0.5.1 explain against plrp bench (forward, LRP, PLRP) on VGG-16
# and ResNet-50, batch 1, 2 threads, each side run back to back per model. Writes bench/results/explain-vs-zennit.md.
# plrp gets 3 warm-up calls (the JIT tiers up what is not a loop), PyTorch 1; then the same number of timed runs.
#   ZENNIT_SRC=/tmp/zennit/src [PLRP=publish/plrp] [TORCH_ISA=avx2] tools/bench/compare_zennit.sh [runs] [output.md]
# TORCH_ISA=avx2 caps PyTorch at AVX2 (oneDNN's ONEDNN_MAX_CPU_ISA, OpenBLAS's OPENBLAS_CORETYPE): the peer as it runs on
# an AVX2-only CPU such as the Zen 3 the targets were set on, to compare with plrp's default (AVX2) binary on a newer CPU.
# Needs bench/models/{vgg16,resnet50}.onnx (tools/bench/export_bench_models.py) and Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
out=${2:-bench/results/explain-vs-zennit.md}
tmp=$(mktemp -d)
dotnet build -c Release src/PrunedLrp.Cli tools/PrunedLrp.Convert >/dev/null 2>&1 || { dotnet build -c Release src/PrunedLrp.Cli; dotnet build -c Release tools/PrunedLrp.Convert; }
# PLRP=path/to/plrp times another build of the CLI, e.g. the Native-AOT binary (the product); default: the JIT build.
plrp=${PLRP:-"dotnet src/PrunedLrp.Cli/bin/Release/net10.0/plrp.dll"}
convert="dotnet tools/PrunedLrp.Convert/bin/Release/net10.0/plrp-convert.dll"
torch_env=()
case "${TORCH_ISA:-}" in
  "") ;;
  avx2) torch_env=(env ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell) ;;
  *) echo "TORCH_ISA must be empty or avx2, not '$TORCH_ISA'" >&2; exit 2 ;;
esac
{
  echo "# Explain and forward time: plrp vs PyTorch + Zennit 0.5.1 (same session)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Date: $(date -u +%FT%TZ). Batch 1, 224x224, random seeded weights and inputs, $runs timed runs after warm-up, medians."
  echo "Command: \`${PLRP:+PLRP=$PLRP }${TORCH_ISA:+TORCH_ISA=$TORCH_ISA }tools/bench/compare_zennit.sh $runs\` (plrp: $plrp)."
  [[ -z "${TORCH_ISA:-}" ]] || echo "PyTorch capped at $TORCH_ISA: ${torch_env[*]:1}."
  echo
} > "$out"
for model in resnet50 vgg16; do
  [[ -f bench/models/$model.plrp ]] || $convert bench/models/$model.onnx bench/models/$model.plrp
  "${torch_env[@]}" /usr/bin/python3 tools/bench/torch_bench.py --models "$model" --batches 1 --runs "$runs" > "$tmp/torch-$model.json"
  for c in epsilon-plus-flat epsilon-gamma-box; do
    $plrp bench -m bench/models/$model.plrp --runs "$runs" --warmup 3 --composite "$c" --json > "$tmp/plrp-$model-$c.json"
  done
  for mode in lambda m; do
    # --vs-lrp times plain LRP call by call alternating with the pruned explain: the ratio is of the same minutes.
    $plrp bench -m bench/models/$model.plrp --runs "$runs" --warmup 3 --composite epsilon-plus-flat --prune $mode --sparsity 0.9 --vs-lrp --json > "$tmp/plrp-$model-$mode.json"
  done
done
/usr/bin/python3 - "$tmp" >> "$out" <<'PY'
import json, sys, glob, os
tmp = sys.argv[1]
def torch(model, task):
    d = json.load(open(os.path.join(tmp, f'torch-{model}.json')))
    for inv in d.get('invocations', [d]):
        for r in inv['results']:
            if r['model'] == model and r['batch'] == 1 and r['task'] == task:
                return r['median_ms']
def plrp(model, tag):
    return json.load(open(os.path.join(tmp, f'plrp-{model}-{tag}.json')))
print('| model | task | PyTorch / Zennit (ms) | plrp (ms) | speed-up |')
print('|---|---|---|---|---|')
for model in ['resnet50', 'vgg16']:
    f = plrp(model, 'epsilon-plus-flat')
    t = torch(model, 'forward')
    print(f"| {model} | forward | {t:.0f} | {f['Forward']['MedianMs']:.0f} | {t / f['Forward']['MedianMs']:.2f}x |")
    for c in ['epsilon-plus-flat', 'epsilon-gamma-box']:
        z = torch(model, 'zennit-' + c)
        p = plrp(model, c)['Explain']['MedianMs']
        print(f"| {model} | explain {c} | {z:.0f} | {p:.0f} | {z / p:.2f}x |")
    for mode, name in [('lambda', 'PLRP-λ'), ('m', 'PLRP-M')]:
        d = plrp(model, mode)
        p, lrp = d['Explain']['MedianMs'], d['LrpExplain']['MedianMs']
        print(f"| {model} | explain {name} p=0.9 (epsilon-plus-flat) | LRP alternating: {lrp:.0f} | {p:.0f} | {d['PrunedOverLrp']:.2f}x of LRP (paired) |")
PY
echo "wrote $out"
