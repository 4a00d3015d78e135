package main

import (
	"runtime/debug"
	"testing"
)

// tuneGC sets the build's collector unless the user set GOGC or GOMEMLIMIT,
// whose values the runtime has applied already and must keep.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
	tests := []struct {
		gogc, memlimit string
		percent        int
		limit          int64
	}{
		{"", "", buildGCPercent, buildMemLimit},
		{"50", "", 100, buildMemLimit},
		{"", "2GiB", buildGCPercent, 1 << 40},
		{"off", "1GiB", 100, 1 << 40},
	}
	for _, tt := range tests {
		t.Setenv("GOGC", tt.gogc)
		t.Setenv("GOMEMLIMIT", tt.memlimit)
		debug.SetGCPercent(100) // what the runtime would have set, stands for the user's
		debug.SetMemoryLimit(1 << 40)
		tuneGC()
		if got := debug.SetGCPercent(100); got != tt.percent {
			t.Errorf("GOGC=%q: GC percent %d, want %d", tt.gogc, got, tt.percent)
		}
		if got := debug.SetMemoryLimit(-1); got != tt.limit {
			t.Errorf("GOMEMLIMIT=%q: limit %d, want %d", tt.memlimit, got, tt.limit)
		}
	}
}
