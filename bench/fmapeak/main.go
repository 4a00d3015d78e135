//go:build unix

// Command fmapeak measures what one core of this machine can do at most:
// its clock (from a chain of dependent integer adds) and its float32
// multiply-add peak (independent 256-bit FMAs), in CPU time, so that the
// engine's GFLOP/s can be read as a fraction of the peak
// (docs/performance.md). It needs AVX2 and FMA; run it with
//
//	go run ./bench/fmapeak
package main

import (
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 3, "measurements to print")
	flag.Parse()
	if !haveFMA() {
		fmt.Fprintln(os.Stderr, "fmapeak: this machine has no AVX2 and FMA")
		os.Exit(1)
	}
	const n = 50_000_000
	for range *rounds {
		add := cpuTime(func() { addChain(n) })
		fma := cpuTime(func() { fma256(n) })
		ghz := 16 * n / float64(add.Nanoseconds())
		gflops := 10 * 16 * n / float64(fma.Nanoseconds())
		fmt.Printf("clock %.2f GHz, float32 FMA peak %.1f GFLOP/s (%.1f FLOPs a cycle)\n", ghz, gflops, gflops/ghz)
	}
}

// cpuTime is the CPU time (user + system) this process spends in f, which
// stays honest when other jobs share the cores.
func cpuTime(f func()) time.Duration {
	t0 := rusage()
	f()
	return rusage() - t0
}

func rusage() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fmt.Fprintln(os.Stderr, "fmapeak:", err)
		os.Exit(1)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
