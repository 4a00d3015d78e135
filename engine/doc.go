// Package engine is a small, exact float32 forward and backward engine for
// Keras-style Sequential convolutional networks such as TinyVGG.
//
// Layout. Every tensor is stored densely in C order. Feature maps are
// channels-last, shape (H, W, C), exactly as Keras and TensorFlow.js keep them
// without the batch dimension; vectors have shape (N). Shape letters used in
// comments: H, W height and width, C channels, K kernel size, S stride,
// O output channels.
//
// Parameters use the Keras layouts: a Conv2D kernel is (KH, KW, C, O) and a
// Dense kernel is (In, Out), so weights imported from TensorFlow.js are used
// as they are, byte for byte.
//
// Each layer keeps its Forward and Backward in one file, a screen apart.
// Backward accumulates (+=) parameter gradients, as llm.c does, so that a
// mini-batch is a sum over samples.
//
// Concurrency. A Model is read-only after it is built: Forward allocates its
// own outputs, so one loaded model may be run from many goroutines at once.
// Training mutates parameters and must not overlap with Forward calls.
package engine
