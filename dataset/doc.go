// Package dataset reads labelled image sets for training: Fashion-MNIST from
// its IDX files, and folders of PNG/JPEG pictures sorted into one folder per
// class.
//
// A Set holds a Train and a Test Split and the class names. A Split keeps
// every image as raw 8-bit values in one flat slab, image after image, each
// in the engine's (H, W, C) order, so that
//
//   - image i is Pixels[i*Size() : (i+1)*Size()], with no per-image
//     allocation or pointer to chase, which is what a trainer drawing
//     shuffled mini-batches wants;
//   - the pixels stay exact (a sample picture written back as PNG is the
//     dataset's own bytes), and memory is a quarter of float32
//     (Fashion-MNIST's 70,000 images take 55 MB);
//   - conversion to model input, value * scale, happens where it is used:
//     Split.Float32 for one image into a caller's buffer, Split.Tensor for
//     one engine tensor, Split.Floats for the whole split at once.
//
// Nothing here is shared or mutated after loading, so one Set may be read
// from many goroutines.
package dataset
