package main

import (
	"fmt"
	"math"

	"cnnexplainer/engine/train"
)

// trainLimits bound the architecture and run flags, so a typo such as
// -hidden 100000 is an error naming the flag instead of the runtime
// running out of memory with a stack trace.
const (
	maxSize    = 512
	maxChans   = 16
	maxHidden  = 512
	maxKernel  = 15
	maxStride  = 8
	maxEpochs  = 10000
	maxBatch   = 65536
	maxWorkers = 1024
	// maxBatchBytes is the activation memory one mini-batch may need.
	maxBatchBytes = 8 << 30
)

// checkTrain validates the architecture and run settings after the preset
// and the flags are merged.
func checkTrain(a train.Arch, epochs, batch, limit, workers int, lr, momentum float64) error {
	bounds := []struct {
		flag    string
		v, l, h int
	}{
		{"-size", a.Size, 1, maxSize}, {"-channels", a.Channels, 1, maxChans}, {"-hidden", a.Hidden, 1, maxHidden},
		{"-kernel", a.Kernel, 1, maxKernel}, {"-padding", a.Padding, 0, a.Kernel - 1}, {"-stride", a.Stride, 1, maxStride},
		{"-epochs", epochs, 1, maxEpochs}, {"-batch", batch, 1, maxBatch}, {"-limit", limit, 0, math.MaxInt32},
		{"-workers", workers, 0, maxWorkers},
	}
	for _, b := range bounds {
		if b.v < b.l || b.v > b.h {
			return fmt.Errorf("%s %d is out of range %d..%d", b.flag, b.v, b.l, b.h)
		}
	}
	if !(lr > 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("-lr %g must be a positive number", lr)
	}
	if !(momentum >= 0 && momentum < 1) {
		return fmt.Errorf("-momentum %g must be in [0, 1)", momentum)
	}
	// The first convolution's output is the largest map; four of them
	// (outputs and gradients of two layers) live per example.
	side := (a.Size+2*a.Padding-a.Kernel)/a.Stride + 1
	if side < 1 {
		return fmt.Errorf("-kernel %d does not fit a %dx%d input with -padding %d", a.Kernel, a.Size, a.Size, a.Padding)
	}
	need := int64(side) * int64(side) * int64(a.Hidden) * 4 * 4 * int64(batch)
	if need > maxBatchBytes {
		return fmt.Errorf("a mini-batch would need about %.1f GB of activations (over %d GB): lower -batch, -hidden or -size", float64(need)/(1<<30), maxBatchBytes>>30)
	}
	return nil
}
