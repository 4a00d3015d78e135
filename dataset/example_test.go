package dataset_test

import (
	"fmt"

	"cnnexplainer/dataset"
)

// A trainer gathers a mini-batch from a split into one reused buffer.
func ExampleSplit_Float32() {
	s := dataset.Split{
		Shape:  []int{1, 2, 1},
		Pixels: []uint8{0, 255, 51, 102, 204, 153},
		Labels: []int{1, 0, 1},
	}
	batch := []int{2, 0}
	x := make([]float32, len(batch)*s.Size())
	for b, i := range batch {
		s.Float32(i, 0.5, x[b*s.Size():])
		fmt.Println("label", s.Labels[i], "values", x[b*s.Size():(b+1)*s.Size()])
	}
	// Output:
	// label 1 values [102 76.5]
	// label 1 values [0 127.5]
}
