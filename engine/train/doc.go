// Package train fits an engine.Model to labelled examples: softmax
// cross-entropy, SGD with momentum and Adam, PyTorch-style weight
// initialisation, and a mini-batch trainer that runs on several cores and
// still gives the same weights, bit for bit, whatever the number of workers.
//
// Determinism comes from a fixed split of every batch into Chunks pieces
// that does not depend on the worker count: each chunk's gradient is summed
// into its own buffer in example order, and the buffers are added in chunk
// order. Workers only decide who computes a chunk, never the order of any
// floating-point sum.
//
// The trainer also records a History (per-epoch metrics and weight
// snapshots) that cmd/tinyvgg writes beside the model and render reads back
// with LoadHistory.
package train
