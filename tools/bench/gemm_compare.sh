#!/bin/sh
# Interleaves PrunedLrp Gemm and OpenBLAS runs (the machine is shared, so back-to-back pairs give the usable ratio).
# Usage: tools/bench/gemm_compare.sh [rounds] [repeats] [filter]   (after: dotnet build -c Release bench/PrunedLrp.Bench)
rounds=${1:-3}; repeats=${2:-5}; filter=${3:-}
dll=bench/PrunedLrp.Bench/bin/Release/net10.0/PrunedLrp.Bench.dll
i=0
while [ $i -lt "$rounds" ]; do
  echo "## round $((i + 1)) $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet "$dll" quick "$repeats" $filter
  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 tools/bench/gemm_openblas.py "$repeats" $filter
  i=$((i + 1))
done
