#!/usr/bin/env bash
# Fast against lean memory mode (--memory), interleaved (fast, lean, fast, ...) because this machine is noisy: for
# ResNet-50 and VGG-16, epsilon-plus-flat, epsilon-gamma-box, PLRP-λ and PLRP-M (p = 0.9), `rounds` rounds of one
# `plrp bench --runs 7 --warmup 2` process per mode. Prints the median forward / explain ms of each process and the
# lean / fast ratio of the explain medians per round.
#   tools/bench/memory_modes.sh PLRP_BINARY [rounds] [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
plrp=$1; rounds=${2:-3}; models=${3:-bench/models}
echo "| model | run | round | fast forward / explain ms | lean forward / explain ms | lean / fast explain |"
echo "|---|---|---:|---:|---:|---:|"
for model in resnet50 vgg16; do
  for run in "-c epsilon-plus-flat" "-c epsilon-gamma-box" "-c epsilon-plus-flat --prune lambda --sparsity 0.9" "-c epsilon-plus-flat --prune m --sparsity 0.9"; do
    for round in $(seq 1 "$rounds"); do
      declare -A fw ex
      for mode in fast lean; do
        # shellcheck disable=SC2086
        out=$("$plrp" bench -m "$models/$model.plrp" --runs 7 --warmup 2 --memory "$mode" $run)
        fw[$mode]=$(echo "$out" | sed -n 's/^forward: median \([0-9.]*\) ms.*/\1/p')
        ex[$mode]=$(echo "$out" | sed -n 's/^explain (.*median \([0-9.]*\) ms.*/\1/p')
      done
      ratio=$(awk -v a="${ex[lean]}" -v b="${ex[fast]}" 'BEGIN { printf "%.2f", a / b }')
      echo "| $model | \`$run\` | $round | ${fw[fast]} / ${ex[fast]} | ${fw[lean]} / ${ex[lean]} | ${ratio}x |"
    done
  done
done
