#!/bin/sh
# Scale of the built site with the number of samples: builds the default
# model with 13, 50, 200 and 500 Fashion-MNIST test pictures (chosen by a
# seeded rule, written to a temporary folder, never committed) and prints
# wall and CPU time, peak memory, and the files and bytes of the output.
#   bench/scale.sh            # every size
#   bench/scale.sh 13 200     # chosen sizes
set -eu
cd "$(dirname "$0")/.."
data=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if [ ! -f "$data/t10k-images-idx3-ubyte.gz" ]; then
	echo "scale.sh: no Fashion-MNIST test set in $data (set FASHION_MNIST)" >&2
	exit 1
fi
if [ ! -x /usr/bin/time ]; then
	echo "scale.sh: needs GNU time at /usr/bin/time (apt install time)" >&2
	exit 1
fi
sizes=${*:-13 50 200 500}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/build" ./cmd/build
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
printf '%8s %9s %9s %10s %8s %10s %10s\n' samples wall_s cpu_s peak_MB files MB MB/sample
for n in $sizes; do
	s="$tmp/samples-$n"
	"$py" bench/scale_samples.py "$data" "$n" 1 "$s"
	cp samples/fashion-mnist/model.json samples/fashion-mnist/model.safetensors samples/fashion-mnist/history.json samples/fashion-mnist/history.safetensors "$s/"
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time-$n" "$tmp/build" -samples "$s" -out "$tmp/public-$n" -cache "$tmp/cache-$n" >"$tmp/log-$n" 2>&1 || {
		echo "scale.sh: the $n-sample build failed:" >&2
		cat "$tmp/log-$n" >&2
		exit 1
	}
	read -r wall user sys rss <"$tmp/time-$n"
	files=$(find "$tmp/public-$n" -type f | wc -l)
	bytes=$(find "$tmp/public-$n" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
	awk -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v f="$files" -v b="$bytes" 'BEGIN {
		printf "%8d %9.1f %9.1f %10.0f %8d %10.1f %10.2f\n", n, w, u + s, r / 1024, f, b / 1048576, b / 1048576 / n }'
	rm -rf "$tmp/public-$n" "$tmp/cache-$n"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
