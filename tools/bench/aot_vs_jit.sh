#!/usr/bin/env bash
# Native AOT binary against the JIT build, interleaved (AOT, JIT, AOT, ...) because this machine is noisy, on the same
# model and composite; prints one line per run and the median ratio per task.
#   tools/bench/aot_vs_jit.sh AOT_BINARY MODEL.plrp [rounds] [composite]
# Build the JIT side first (dotnet build -c Release src/PrunedLrp.Cli); publish the AOT side with
#   dotnet publish src/PrunedLrp.Cli -c Release -r linux-x64 -p:PublishAot=true -o DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
aot=$1; model=$2; rounds=${3:-3}; composite=${4:-epsilon-plus-flat}
jit="dotnet src/PrunedLrp.Cli/bin/Release/net10.0/plrp.dll"
tmp=$(mktemp -d)
for i in $(seq 1 "$rounds"); do
  "$aot" bench -m "$model" --runs 7 --warmup 2 -c "$composite" --json > "$tmp/aot-$i.json"
  $jit bench -m "$model" --runs 7 --warmup 2 -c "$composite" --json > "$tmp/jit-$i.json"
done
/usr/bin/python3 - "$tmp" "$rounds" "$model" "$composite" <<'PY'
import json, sys, statistics
tmp, rounds, model, composite = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f'model {model}, composite {composite}, {rounds} interleaved rounds of 7 timed runs (medians, ms)')
print('| round | task | AOT | JIT | AOT / JIT |')
print('|---:|---|---:|---:|---:|')
ratios = {'Forward': [], 'Explain': []}
for i in range(1, rounds + 1):
    a = json.load(open(f'{tmp}/aot-{i}.json')); j = json.load(open(f'{tmp}/jit-{i}.json'))
    assert a["Aot"] and not j["Aot"], "the first binary must be the AOT one"
    for task in ratios:
        r = a[task]['MedianMs'] / j[task]['MedianMs']
        ratios[task].append(r)
        print(f"| {i} | {task.lower()} | {a[task]['MedianMs']:.1f} | {j[task]['MedianMs']:.1f} | {r:.3f} |")
for task, rs in ratios.items():
    print(f'median AOT / JIT, {task.lower()}: {statistics.median(rs):.3f}')
PY
