#!/usr/bin/env bash
# train.sh compares training throughput (samples/s at batch 32, forward +
# backward + Adam) of the Go trainer with TensorFlow.js's cpu backend on the
# seed TinyVGG, and prints the ratio.
#
#   bash bench/train.sh              # from the repository root; needs npm ci
#
# Go: BenchmarkTrainTinyVGG with -cpu 2 (both cores), -count 3, median.
# TF.js: TFJS_BATCHES batches (default 3; the cpu backend manages only a few
# samples per second). The machine is shared: the load average is printed
# with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@tensorflow/tfjs ] || npm ci --no-audit --no-fund --loglevel=error

echo "load before: $(uptime)"
out=$(go test -run '^$' -bench 'TrainTinyVGG' -count 3 -cpu 1,2 ./engine/train/)
echo "$out" | grep '^Benchmark'
# median UNIT: the median over the -count runs with 2 workers of one metric.
median() {
  echo "$out" | awk -v unit="$1" '$1 ~ /^BenchmarkTrainTinyVGG-2$/ { for (i = 2; i < NF; i++) if ($(i+1) == unit) print $i }' |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# TF.js prints a hint about its native Node backend on start; it is not used.
node bench/train_tfjs.mjs --backend cpu --batches "${TFJS_BATCHES:-3}" --go "$(median samples/s)" --go-cpu "$(median cpu-ms/sample)" 2>&1 |
  grep -v -e '^=*$' -e 'Hi, looks like' -e '^$'
echo "load after: $(uptime)"
