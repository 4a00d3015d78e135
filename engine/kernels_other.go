//go:build !amd64

package engine

// Without the amd64 assembly, the pure-Go kernels run.

const hasFMA = false

func bestConv() convMicro   { return convMicroGo }
func bestDense() denseMicro { return denseMicroGo }
