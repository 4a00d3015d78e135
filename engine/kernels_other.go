//go:build !amd64

package engine

// Without the amd64 assembly, the pure-Go kernels run.

const hasFMA = false

func bestConv() convKernels { return convKernels{block: convMicroGo} }
func bestDense() denseMicro { return denseMicroGo }
func bestPool() poolMicro   { return poolMicroGo }

func bestPoolBackRow(int) poolBackRow { return nil }

func bestMaskGrad(int) maskGrad { return nil }

func bestKernelGrad() kgradKernels { return kgradKernels{micro: kgradMicroGo, chains: 1} }

// reluInto writes max(0, x) into y (same length); NaN stays NaN.
func reluInto(y, x []float32) { reluGo(y, x) }
