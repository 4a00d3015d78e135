//go:build !unix

package engine

import "time"

// processCPUTime is not measured here; the benchmarks then report wall time
// only.
func processCPUTime() (time.Duration, bool) { return 0, false }
