//go:build unix

package engine

import (
	"syscall"
	"time"
)

// processCPUTime is the user+system CPU time this process has used. The
// benchmarks report CPU time per forward pass beside wall time because the
// machines they run on are shared: CPU time stays honest when other jobs
// take the cores.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
