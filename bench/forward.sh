#!/usr/bin/env bash
# forward.sh compares the Go engine's traced forward pass with TensorFlow.js
# (wasm and cpu backends, one thread) on the CNN Explainer (64x64x3) and seed
# (28x28x1) architectures, and prints how many times faster Go is.
#
#   bash bench/forward.sh            # from the repository root; needs npm ci
#
# Go: go test -bench, -cpu 1, -count 3, median of the three runs.
# The machine is shared: the load average is printed with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@tensorflow/tfjs-backend-wasm ] || npm ci --no-audit --no-fund --loglevel=error

echo "load before: $(uptime)"
out=$(go test -run '^$' -bench 'Forward' -count 3 -cpu 1 ./engine/)
echo "$out" | grep '^Benchmark'

# median NAME UNIT: the median over the -count runs of one reported metric.
median() {
  echo "$out" | awk -v name="$1" -v unit="$2" '
    $1 ~ "^"name"(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i+1) == unit) print $i }' |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
go_args="cnn-explainer-64=$(median BenchmarkForwardCNNExplainer64 ms/forward)"
go_args+=",cnn-explainer-64-cpu=$(median BenchmarkForwardCNNExplainer64 cpu-ms/forward)"
go_args+=",seed-28=$(median BenchmarkForwardSeed28 ms/forward)"
go_args+=",seed-28-cpu=$(median BenchmarkForwardSeed28 cpu-ms/forward)"

# TF.js prints a hint about its native Node backend on start; it is not used.
node bench/forward.mjs --seconds "${SECONDS_PER_MODEL:-2}" --go "$go_args" 2>&1 |
  grep -v -e '^=*$' -e 'Hi, looks like' -e '^$'
echo "load after: $(uptime)"
