#!/usr/bin/env bash
# Peak RSS (/usr/bin/time -f %M) of one `plrp bench --runs 2 --warmup 1` process per row: ResNet-50 and VGG-16 (from
# export_bench_models.py, converted to .plrp), forward only and three explain settings, in both memory modes, with
# the JIT build and the Native-AOT binary. Prints one markdown row per model / run / mode, with each process's median
# forward / explain times (one process each, so only a rough guide; memory-modes.md has the interleaved timings).
#   tools/bench/peak_memory.sh AOT_BINARY [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
aot=$1; models=${2:-bench/models}
jit="dotnet src/PrunedLrp.Cli/bin/Release/net10.0/plrp.dll"
echo "| model | run | memory | JIT peak (forward / explain ms) | AOT peak (forward / explain ms) |"
echo "|---|---|---|---:|---:|"
for model in resnet50 vgg16; do
  for run in "--forward-only" "-c epsilon-plus-flat" "-c epsilon-gamma-box" "-c epsilon-plus-flat --prune m --sparsity 0.9"; do
    for mode in fast lean; do
      line="| $model | \`$run\` | $mode"
      for bin in "$jit" "$aot"; do
        # shellcheck disable=SC2086
        out=$( { /usr/bin/time -f "PEAK %M" $bin bench -m "$models/$model.plrp" --runs 2 --warmup 1 --memory "$mode" $run; } 2>&1 )
        peak=$(echo "$out" | awk '/^PEAK/ {print int($2 / 1024)}')
        fw=$(echo "$out" | sed -n 's/^forward: median \([0-9.]*\) ms.*/\1/p')
        ex=$(echo "$out" | sed -n 's/^explain (.*median \([0-9.]*\) ms.*/\1/p')
        line="$line | $peak MB ($fw / ${ex:--} ms)"
      done
      echo "$line |"
    done
  done
done
