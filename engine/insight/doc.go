// Package insight computes what a trained model learned, from a probe set of
// labelled pictures: which pictures excite each neuron most (Top), where the
// model looked for a class (Saliency, GradCAM), and how the probe set lies
// in the model's feature space (PCA).
//
// Everything is exact float32 engine arithmetic (float64 for PCA), with no
// randomness, so the same model and probe set always give the same numbers.
// It imports engine and gonum, nothing else of ours; drawing is render's job.
package insight
