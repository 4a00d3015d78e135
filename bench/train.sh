#!/usr/bin/env bash
# train.sh compares training speed (batch 32, forward + backward + Adam) on
# the seed TinyVGG of the Go trainer with PyTorch (one thread and two) and
# TensorFlow.js's cpu backend, and prints the ratios.
#
#   bash bench/train.sh              # from the repository root; needs npm ci
#
# Go: BenchmarkTrainTinyVGG with -cpu 1,2 (1 and 2 workers), -count 3,
# median. PyTorch: bench/torch_bench.py with 1 and 2 threads, median of 3
# rounds, run right after Go (skipped with a message when
# /usr/bin/python3 has no torch; TORCH_PY picks another interpreter).
# TF.js: TFJS_BATCHES batches (default 3; the cpu backend manages only a few
# samples per second). The machine is shared: the load average is printed
# with the figures, and CPU time per sample is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
[ -d node_modules/@tensorflow/tfjs ] || npm ci --no-audit --no-fund --loglevel=error

echo "load before: $(uptime)"
out=$(go test -run '^$' -bench 'TrainTinyVGG' -count 3 -cpu 1,2 ./engine/train/)
echo "$out" | grep '^Benchmark'
echo "load after Go: $(uptime)"

# Wall ms per sample from samples/s, and CPU ms per sample, per worker count.
declare -A go_wall go_cpu
go_wall[1]=$(awk -v r="$(median "$out" BenchmarkTrainTinyVGG samples/s)" 'BEGIN { printf "%.4f", 1000 / r }')
go_wall[2]=$(awk -v r="$(median "$out" BenchmarkTrainTinyVGG-2 samples/s)" 'BEGIN { printf "%.4f", 1000 / r }')
go_cpu[1]=$(median "$out" BenchmarkTrainTinyVGG cpu-ms/sample)
go_cpu[2]=$(median "$out" BenchmarkTrainTinyVGG-2 cpu-ms/sample)

if have_torch; then
  echo "PyTorch $("$TORCH_PY" -c 'import torch; print(torch.__version__)'), seed TinyVGG, batch 32, Adam"
  printf '%-8s %-8s %14s %14s %20s %12s\n' threads trainer wall-ms/sample cpu-ms/sample "PyTorch/Go (wall)" "(cpu)"
  for n in 1 2; do
    read -r _ t_wall t_cpu < <(torch_run train "$n")
    printf '%-8s %-8s %14s %14s\n' "$n" Go "${go_wall[$n]}" "${go_cpu[$n]}"
    printf '%-8s %-8s %14s %14s %20s %12s\n' "$n" PyTorch "$t_wall" "$t_cpu" "$(ratio "$t_wall" "${go_wall[$n]}")" "$(ratio "$t_cpu" "${go_cpu[$n]}")"
  done
  echo "load after PyTorch: $(uptime)"
fi

# TF.js prints a hint about its native Node backend on start; it is not used.
node bench/train_tfjs.mjs --backend cpu --batches "${TFJS_BATCHES:-3}" --go "$(median "$out" BenchmarkTrainTinyVGG-2 samples/s)" --go-cpu "${go_cpu[2]}" 2>&1 |
  grep -v -e '^=*$' -e 'Hi, looks like' -e '^$'
echo "load after: $(uptime)"
