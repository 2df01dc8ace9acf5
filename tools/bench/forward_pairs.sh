#!/usr/bin/env bash
# Batch-1 forward of VGG-16 and ResNet-50: PyTorch and plrp in alternating rounds, so that both sides are timed in
# the same minutes of a shared, noisy machine. Each round times one side then the other (order swapped every round),
# `runs` calls each after warm-up; the speed-up of a round is PyTorch's median over plrp's, and the summary gives the
# median over rounds and how many rounds reached 2x. Writes markdown.
#   [PLRP=publish/plrp] [TORCH_ISA=avx2] tools/bench/forward_pairs.sh [rounds] [runs] [output.md]
# TORCH_ISA=avx2 caps PyTorch at AVX2, as in compare_zennit.sh. Needs bench/models/{vgg16,resnet50}.{onnx,plrp}
# (tools/bench/export_bench_models.py, then plrp-convert) and Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-6}
runs=${2:-10}
out=${3:-/dev/stdout}
plrp=${PLRP:-"dotnet src/PrunedLrp.Cli/bin/Release/net10.0/plrp.dll"}
[[ -n "${PLRP:-}" ]] || dotnet build -c Release src/PrunedLrp.Cli >/dev/null
torch_env=()
case "${TORCH_ISA:-}" in
  "") ;;
  avx2) torch_env=(env ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell) ;;
  *) echo "TORCH_ISA must be empty or avx2, not '$TORCH_ISA'" >&2; exit 2 ;;
esac
for model in resnet50 vgg16; do
  [[ -f bench/models/$model.plrp ]] || { echo "bench/models/$model.plrp is missing (see tools/bench/README.md)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
torch_ms() { # model -> PyTorch's median forward ms
  "${torch_env[@]}" /usr/bin/python3 tools/bench/torch_bench.py --forward-only --models "$1" --batches 1 --runs "$runs" \
    | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(next(r["median_ms"] for i in d.get("invocations",[d]) for r in i["results"] if r["task"]=="forward"))'
}
plrp_ms() { # model -> plrp's median forward ms
  $plrp bench -m "bench/models/$1.plrp" --forward-only --runs "$runs" --warmup 3 --json \
    | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Forward"]["MedianMs"])'
}
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Date: $(date -u +%FT%TZ). Batch 1, 224x224, $rounds rounds of $runs timed runs per side after warm-up."
  echo "Command: \`${PLRP:+PLRP=$PLRP }${TORCH_ISA:+TORCH_ISA=$TORCH_ISA }tools/bench/forward_pairs.sh $rounds $runs\`."
  echo
  echo "| model | round | first | PyTorch (ms) | plrp (ms) | speed-up |"
  echo "|---|---|---|---|---|---|"
} > "$tmp/table.md"
for model in resnet50 vgg16; do
  for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then t=$(torch_ms "$model"); p=$(plrp_ms "$model"); first=PyTorch
    else p=$(plrp_ms "$model"); t=$(torch_ms "$model"); first=plrp; fi
    echo "$model $r $first $t $p" >> "$tmp/rounds.txt"
    /usr/bin/python3 -c "import sys; m,r,f,t,p=sys.argv[1:]; print(f'| {m} | {r} | {f} | {float(t):.1f} | {float(p):.1f} | {float(t)/float(p):.2f}x |')" \
      "$model" "$r" "$first" "$t" "$p" >> "$tmp/table.md"
  done
done
/usr/bin/python3 - "$tmp/rounds.txt" >> "$tmp/table.md" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print()
for model in ['resnet50', 'vgg16']:
    ratios = [float(t) / float(p) for m, _, _, t, p in rows if m == model]
    print(f"- {model}: speed-up median {statistics.median(ratios):.2f}x over {len(ratios)} rounds "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}x), at least 2x in {sum(r >= 2 for r in ratios)} of {len(ratios)}.")
PY
cat "$tmp/table.md" > "$out"
