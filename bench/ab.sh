#!/bin/sh
# Before/after CPU time of site builds in one run: the given build binaries
# (go build -o BIN ./cmd/build, one per commit) are run in turn, ROUNDS
# times over, each with a cold figure cache, on one samples folder, and
# each run prints wall and CPU (user + system) seconds, peak memory, the
# load average and a hash of the whole output, so the outputs can be seen
# to be byte-identical. System time is printed apart: it grows with the
# kernel's work to find free pages when the page cache is full, which
# other jobs' writes change from run to run. With AB_SUMS=DIR, each run's list of file hashes
# is kept in DIR, to find the files two runs differ in. The builds run
# with -try=false: the try panel's WebAssembly is compiled by go build,
# which stamps it with the working copy's git state, so it would differ
# between two commits whatever the build does (AB_FLAGS overrides).
#   bench/ab.sh SAMPLES ROUNDS BIN...
#   bench/ab.sh /tmp/s50 3 /tmp/before /tmp/after
set -eu
if [ $# -lt 3 ]; then
	echo "usage: bench/ab.sh SAMPLES ROUNDS BIN..." >&2
	exit 2
fi
if [ ! -x /usr/bin/time ]; then
	echo "ab.sh: needs GNU time at /usr/bin/time (apt install time)" >&2
	exit 1
fi
samples=$1
rounds=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-24s %6s %8s %8s %8s %8s %8s %-6s %s\n' binary round wall_s cpu_s user_s sys_s peak_MB load output
r=1
while [ "$r" -le "$rounds" ]; do
	for bin in "$@"; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$bin" ${AB_FLAGS--try=false} -samples "$samples" -out "$tmp/public" -cache "$tmp/cache" >"$tmp/log" 2>&1 || {
			echo "ab.sh: $bin failed:" >&2
			cat "$tmp/log" >&2
			exit 1
		}
		read -r wall user sys rss <"$tmp/time"
		(cd "$tmp/public" && find . -type f | sort | xargs sha256sum) >"$tmp/sums"
		sum=$(sha256sum <"$tmp/sums" | cut -c1-16)
		if [ -n "${AB_SUMS:-}" ]; then
			mkdir -p "$AB_SUMS"
			cp "$tmp/sums" "$AB_SUMS/$(basename "$bin")-$r"
		fi
		awk -v b="$(basename "$bin")" -v r="$r" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v l="$load" -v h="$sum" 'BEGIN {
			printf "%-24s %6d %8.1f %8.1f %8.1f %8.1f %8.0f %-6s %s\n", b, r, w, u + s, u, s, m / 1024, l, h }'
		rm -rf "$tmp/public" "$tmp/cache"
	done
	r=$((r + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
