# lib.sh holds what bench/train.sh and bench/forward.sh share. Source it.

# median OUT NAME UNIT: the median over the -count runs in the go test
# output OUT of one metric of benchmark NAME (NAME or NAME-N exactly).
median() {
  echo "$1" | awk -v name="$2" -v unit="$3" '
    $1 ~ "^"name"$" { for (i = 2; i < NF; i++) if ($(i+1) == unit) print $i }' |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# TORCH_PY is the interpreter with PyTorch: Debian's python3-torch installs
# for /usr/bin/python3, which need not be the python3 on PATH.
TORCH_PY=${TORCH_PY:-/usr/bin/python3}

# have_torch succeeds when TORCH_PY can import torch, and says why not.
have_torch() {
  if [ -x "$TORCH_PY" ] && "$TORCH_PY" -c 'import torch' 2>/dev/null; then
    return 0
  fi
  echo "PyTorch: skipped, $TORCH_PY cannot import torch (apt install python3-torch)"
  return 1
}

# torch_run WHAT THREADS: bench/torch_bench.py's lines for one thread count.
torch_run() {
  "$TORCH_PY" bench/torch_bench.py "$1" --threads "$2" --seconds "${TORCH_SECONDS:-3}" | grep -v '^#'
}

# ratio A B: A / B to two decimals, or - when either is missing.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}
