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

// A Dropout (Identity) after a softmax output must not make Forward apply
// softmax a second time.
func TestTrailingIdentityKeepsProbabilities(t *testing.T) {
	d := &Dense{LayerName: "out", In: 2, Out: 3, Kernel: []float32{1, 0, -1, 0, 2, 1}, Bias: []float32{0.5, 0, 0}, Act: ActSoftmax}
	m := &Model{Name: "t", Input: Input{Shape: []int{1, 1, 2}, Scale: 1}, Layers: []Layer{&Flatten{LayerName: "f"}, d, &Identity{LayerName: "drop"}}}
	x, _ := FromData([]float32{1, 2}, 1, 1, 2)
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	// logits: 0.5+1*1+2*0 = 1.5, 0+0+2*2 = 4, 0-1+2*1 = 1
	want := []float32{1.5, 4, 1}
	for i, v := range want {
		if tr.Logits[i] != v {
			t.Fatalf("logits %v, want %v", tr.Logits, want)
		}
		if tr.Probs[i] != tr.Output("out").Data[i] {
			t.Fatalf("probs %v differ from the softmax output %v", tr.Probs, tr.Output("out").Data)
		}
	}
}
