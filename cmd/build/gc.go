package main

import (
	"os"
	"runtime/debug"
)

// Garbage collection settings for a build, unless GOGC or GOMEMLIMIT is
// set: a build allocates gigabytes of short-lived page and PNG buffers
// (4 GB at 50 samples) over a much smaller live heap, so the default, a
// collection each time the heap doubles, collects very often. Letting it
// grow fourfold, under a soft limit of 900 MiB (the collector runs sooner
// near it; the build never fails on it), cut 15% of a 50-sample build's
// CPU time, for a peak of 270 MB instead of 125 (docs/performance.md).
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
