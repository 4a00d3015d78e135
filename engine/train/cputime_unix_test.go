//go:build unix

package train

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time of the whole process so far; on a
// shared machine it measures the work better than wall time.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
