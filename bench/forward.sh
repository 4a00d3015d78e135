#!/usr/bin/env bash
# forward.sh compares the Go engine's traced forward pass with PyTorch (one
# thread and two) and TensorFlow.js (wasm and cpu backends, one thread) on
# the CNN Explainer (64x64x3) and seed (28x28x1) architectures, and prints
# the ratios.
#
#   bash bench/forward.sh            # from the repository root; needs npm ci
#
# Go: go test -bench, -cpu 1, -count 3, median of the three runs, for
# Model.Forward (a fresh trace per pass) and Model.ForwardInto (one trace
# reused, as a caller tracing many inputs does); the ratios use
# ForwardInto. PyTorch: bench/torch_bench.py, batch 1, every layer's output
# kept, under no_grad, run right after Go (skipped with a message when
# /usr/bin/python3 has no torch). The machine is shared: the load average
# is printed with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
[ -d node_modules/@tensorflow/tfjs-backend-wasm ] || npm ci --no-audit --no-fund --loglevel=error

echo "load before: $(uptime)"
out=$(go test -run '^$' -bench 'Forward' -count 3 -cpu 1 ./engine/)
echo "$out" | grep '^Benchmark'
echo "load after Go: $(uptime)"

declare -A go_wall go_cpu
go_wall[cnn-explainer-64]=$(median "$out" BenchmarkForwardIntoCNNExplainer64 ms/forward)
go_cpu[cnn-explainer-64]=$(median "$out" BenchmarkForwardIntoCNNExplainer64 cpu-ms/forward)
go_wall[seed-28]=$(median "$out" BenchmarkForwardIntoSeed28 ms/forward)
go_cpu[seed-28]=$(median "$out" BenchmarkForwardIntoSeed28 cpu-ms/forward)

if have_torch; then
  echo "PyTorch $("$TORCH_PY" -c 'import torch; print(torch.__version__)'), batch 1, traced forward pass (Go: ForwardInto, one thread)"
  printf '%-17s %-8s %12s %15s %20s %8s\n' model threads ms/forward cpu-ms/forward "PyTorch/Go (wall)" "(cpu)"
  for n in 1 2; do
    while read -r name t_wall t_cpu; do
      printf '%-17s %-8s %12s %15s %20s %8s\n' "$name" "$n" "$t_wall" "$t_cpu" "$(ratio "$t_wall" "${go_wall[$name]}")" "$(ratio "$t_cpu" "${go_cpu[$name]}")"
    done < <(torch_run forward "$n")
  done
  echo "load after PyTorch: $(uptime)"
fi

go_args="cnn-explainer-64=${go_wall[cnn-explainer-64]},cnn-explainer-64-cpu=${go_cpu[cnn-explainer-64]}"
go_args+=",seed-28=${go_wall[seed-28]},seed-28-cpu=${go_cpu[seed-28]}"
# TF.js prints a hint about its native Node backend on start; it is not used.
node bench/forward.mjs --seconds "${SECONDS_PER_MODEL:-2}" --go "$go_args" 2>&1 |
  grep -v -e '^=*$' -e 'Hi, looks like' -e '^$'
echo "load after: $(uptime)"
