package dataset

import (
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	s := Split{Shape: []int{1, 2, 1}, Pixels: []uint8{0, 255, 51, 102, 10, 20}, Labels: []int{2, 0, 1}}
	if s.Len() != 3 || s.Size() != 2 {
		t.Fatalf("Len %d Size %d", s.Len(), s.Size())
	}
	if got := s.Image(1); !slices.Equal(got, []uint8{51, 102}) {
		t.Errorf("Image(1) = %v", got)
	}
	buf := make([]float32, 5)
	if got := s.Float32(1, 0.5, buf); !slices.Equal(got, []float32{25.5, 51}) {
		t.Errorf("Float32(1) = %v", got)
	}
	x := s.Tensor(0, 2)
	if !slices.Equal(x.Shape, []int{1, 2, 1}) || !slices.Equal(x.Data, []float32{0, 510}) {
		t.Errorf("Tensor(0) = %v %v", x.Shape, x.Data)
	}
	all := s.Floats(1.0 / 255)
	for i := range s.Len() {
		if one := s.Float32(i, 1.0/255, buf); !slices.Equal(all[i*2:i*2+2], one) {
			t.Errorf("Floats and Float32 differ at image %d: %v, %v", i, all[i*2:i*2+2], one)
		}
	}
	h := s.Head(2)
	if h.Len() != 2 || !slices.Equal(h.Pixels, []uint8{0, 255, 51, 102}) || !slices.Equal(h.Labels, []int{2, 0}) {
		t.Errorf("Head(2) = %+v", h)
	}
	for _, n := range []int{0, -1, 3, 10} {
		if s.Head(n).Len() != 3 {
			t.Errorf("Head(%d) has %d images, want all 3", n, s.Head(n).Len())
		}
	}
	if got := s.Counts(3); !slices.Equal(got, []int{1, 1, 1}) {
		t.Errorf("Counts = %v", got)
	}
}

func TestSplitCheck(t *testing.T) {
	tests := []struct {
		name string
		s    Split
		ok   bool
	}{
		{"good", Split{Shape: []int{1, 1, 1}, Pixels: []uint8{1, 2}, Labels: []int{0, 1}}, true},
		{"not a map", Split{Shape: []int{1, 1}, Pixels: []uint8{1, 2}, Labels: []int{0, 1}}, false},
		{"short slab", Split{Shape: []int{1, 1, 1}, Pixels: []uint8{1}, Labels: []int{0, 1}}, false},
		{"label too big", Split{Shape: []int{1, 1, 1}, Pixels: []uint8{1, 2}, Labels: []int{0, 2}}, false},
		{"negative label", Split{Shape: []int{1, 1, 1}, Pixels: []uint8{1, 2}, Labels: []int{-1, 0}}, false},
	}
	for _, tc := range tests {
		if err := tc.s.check(2); (err == nil) != tc.ok {
			t.Errorf("%s: check = %v", tc.name, err)
		}
	}
}
