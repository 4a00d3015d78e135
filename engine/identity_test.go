package engine

import "testing"

func TestIdentity(t *testing.T) {
	l := &Identity{LayerName: "dropout"}
	if l.Kind() != KindIdentity || l.Kind().String() != "identity" {
		t.Fatalf("kind %v", l.Kind())
	}
	if k, err := ParseKind("identity"); err != nil || k != KindIdentity {
		t.Fatalf("ParseKind(identity) = %v, %v", k, err)
	}
	x := &Tensor{Shape: []int{1, 2, 2}, Data: []float32{-1, 2, 3, -4}}
	shape, err := l.OutputShape(x.Shape)
	if err != nil {
		t.Fatal(err)
	}
	y := NewTensor(shape...)
	l.Forward(x, y)
	dy := &Tensor{Shape: shape, Data: []float32{5, 6, 7, 8}}
	dx := NewTensor(shape...)
	l.Backward(x, y, dy, dx, nil)
	for i := range x.Data {
		if y.Data[i] != x.Data[i] || dx.Data[i] != dy.Data[i] {
			t.Fatalf("at %d: y %v dx %v", i, y.Data, dx.Data)
		}
	}
}
