package main

import (
	"os"
	"runtime/debug"
)

// Garbage collection settings for a build, unless GOGC or GOMEMLIMIT is
// set: a build allocates gigabytes of short-lived page and PNG buffers
// over a live heap of 100 to 600 MB, and the default (collect each time
// the heap doubles) spent about 6% of a 50-sample build's CPU collecting.
// A fourfold growth, held under a soft limit of 900 MiB, collects a
// quarter as often on small sites and keeps the peak under issue 16's
// 1 GB on large ones (the limit makes the collector run sooner, not the
// build fail).
const (
	buildGCPercent = 400
	buildMemLimit  = 900 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(buildGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemLimit)
	}
}
