package insight

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"cnnexplainer/engine"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// tinyModel is a TinyVGG in miniature with seeded random weights: padded
// (or valid) 3x3 convolutions with separate ReLU layers, a 2x2 pool, and a
// Dense layer with fused softmax.
func tinyModel(t testing.TB, pad engine.PadMode, size int) *engine.Model {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	fill := func(n int, s float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64() * s)
		}
		return v
	}
	conv := func(name string, in, out int) *engine.Conv2D {
		return &engine.Conv2D{LayerName: name, KH: 3, KW: 3, InC: in, OutC: out, StrideH: 1, StrideW: 1,
			Padding: pad, Pad: 1, Kernel: fill(9*in*out, 0.5), Bias: fill(out, 0.1)}
	}
	side := size
	if pad == engine.Valid {
		side -= 2
	}
	side /= 2
	if pad == engine.Valid {
		side -= 2
	}
	m := &engine.Model{Name: "tiny", Input: engine.Input{Shape: []int{size, size, 1}, Scale: 1},
		Classes: []string{"a", "b", "c"},
		Layers: []engine.Layer{
			conv("c1", 1, 4), &engine.ReLU{LayerName: "r1"},
			&engine.MaxPool2D{LayerName: "p1", PoolH: 2, PoolW: 2, StrideH: 2, StrideW: 2},
			conv("c2", 4, 3), &engine.ReLU{LayerName: "r2"},
			&engine.Flatten{LayerName: "flat"},
			&engine.Dense{LayerName: "out", In: side * side * 3, Out: 3, Act: engine.ActSoftmax,
				Kernel: fill(side*side*9, 0.3), Bias: fill(3, 0.1)},
		}}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	return m
}

func randomProbe(n, size int) Probe {
	r := rand.New(rand.NewPCG(3, 4))
	p := Probe{}
	for i := 0; i < n; i++ {
		x := engine.NewTensor(size, size, 1)
		for j := range x.Data {
			x.Data[j] = r.Float32()
		}
		p.Pictures = append(p.Pictures, x)
		p.Labels = append(p.Labels, i%3)
	}
	return p
}

// TestTopIsTrueTop checks Analyse's top pictures against a plain loop over
// every picture, layer, cell and channel, for one and for three workers.
func TestTopIsTrueTop(t *testing.T) {
	m := tinyModel(t, engine.Explicit, 8)
	p := randomProbe(40, 8)
	for _, workers := range []int{1, 3} {
		res, err := Analyse(m, p, 9, workers)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Layers); got != 5 {
			t.Fatalf("%d spatial layers, want 5", got)
		}
		for _, lt := range res.Layers {
			for c, nr := range lt.Neurons {
				type pv struct {
					pic int
					v   float32
				}
				var all []pv
				for pic, x := range p.Pictures {
					tr, _ := m.Forward(x)
					out := tr.Layers[lt.Index].Output
					h, w, ch := out.Shape[0], out.Shape[1], out.Shape[2]
					best := float32(math.Inf(-1))
					for y := 0; y < h; y++ {
						for xx := 0; xx < w; xx++ {
							best = max(best, out.Data[(y*w+xx)*ch+c])
						}
					}
					all = append(all, pv{pic, best})
				}
				sort.SliceStable(all, func(a, b int) bool { return all[a].v > all[b].v })
				for k, h := range nr.Hits {
					if h.Picture != all[k].pic || h.Value != all[k].v {
						t.Fatalf("workers %d, %s neuron %d, rank %d: picture %d (%v), want %d (%v)",
							workers, lt.Layer, c, k, h.Picture, h.Value, all[k].pic, all[k].v)
					}
				}
				if nr.Dead != (all[0].v <= 0) {
					t.Errorf("%s neuron %d: dead %v with best %v", lt.Layer, c, nr.Dead, all[0].v)
				}
			}
		}
	}
}

// TestReceptiveField checks the window against the model: changing a pixel
// outside it must leave the cell alone, and some pixel inside must move it.
func TestReceptiveField(t *testing.T) {
	m := tinyModel(t, engine.Explicit, 8)
	shapes, _ := m.Shapes()
	cases := []struct {
		layer, y, x int
		want        Rect
	}{
		{0, 0, 0, Rect{-1, -1, 2, 2}},
		{2, 1, 2, Rect{1, 3, 5, 7}},
		{2, 0, 0, Rect{-1, -1, 3, 3}},
		{3, 1, 1, Rect{-1, -1, 7, 7}},
	}
	for _, c := range cases {
		if got := ReceptiveField(m, shapes, c.layer, c.y, c.x); got != c.want {
			t.Errorf("layer %d cell (%d,%d): %v, want %v", c.layer, c.y, c.x, got, c.want)
		}
	}
	base := randomProbe(1, 8).Pictures[0]
	tr0, _ := m.Forward(base)
	for _, c := range cases {
		out0 := tr0.Layers[c.layer].Output
		idx := func(o *engine.Tensor) float32 { return o.Data[(c.y*o.Shape[1]+c.x)*o.Shape[2]] }
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				in := y >= c.want.Y0 && y < c.want.Y1 && x >= c.want.X0 && x < c.want.X1
				if in {
					continue
				}
				moved := base.Clone()
				moved.Data[y*8+x] += 5
				tr, _ := m.Forward(moved)
				if idx(tr.Layers[c.layer].Output) != idx(out0) {
					t.Errorf("layer %d cell (%d,%d) changed with pixel (%d,%d) outside %v", c.layer, c.y, c.x, y, x, c.want)
				}
			}
		}
	}
}

// TestSaliencyFiniteDifference compares the backward pass with a central
// difference of the class logit at a few pixels.
func TestSaliencyFiniteDifference(t *testing.T) {
	m := tinyModel(t, engine.Explicit, 8)
	x := randomProbe(1, 8).Pictures[0]
	tr, _ := m.Forward(x)
	for class := 0; class < 3; class++ {
		s, err := SaliencyOf(m, tr, class)
		if err != nil {
			t.Fatal(err)
		}
		for _, px := range []int{0, 9, 27, 36, 63} {
			const eps = 1e-3
			logit := func(d float32) float64 {
				y := x.Clone()
				y.Data[px] += d
				tr, _ := m.Forward(y)
				return float64(tr.Logits[class])
			}
			fd := (logit(eps) - logit(-eps)) / (2 * eps)
			got := float64(s.Signed.Data[px])
			if math.Abs(fd-got) > 2e-3*max(1, math.Abs(fd)) {
				t.Errorf("class %d pixel %d: backward %.5f, finite difference %.5f", class, px, got, fd)
			}
			if s.Map.Data[px] != float32(math.Abs(got)) {
				t.Errorf("class %d pixel %d: map %v is not |gradient| %v", class, px, s.Map.Data[px], got)
			}
		}
	}
	if _, err := SaliencyOf(m, tr, 3); err == nil {
		t.Error("class 3 of 3 did not fail")
	}
}

// TestGradCAMConstantInput: with valid padding every map of a constant
// picture is constant, so Grad-CAM must be too.
func TestGradCAMConstantInput(t *testing.T) {
	m := tinyModel(t, engine.Valid, 10)
	x := engine.NewTensor(10, 10, 1)
	for i := range x.Data {
		x.Data[i] = 0.7
	}
	tr, _ := m.Forward(x)
	nonzero := false
	for class := 0; class < 3; class++ {
		cam, err := GradCAM(m, tr, class)
		if err != nil {
			t.Fatal(err)
		}
		if cam.Layer != "r2" {
			t.Fatalf("Grad-CAM on %s, want r2", cam.Layer)
		}
		for i, v := range cam.Map.Data {
			if math.Abs(float64(v-cam.Map.Data[0])) > 1e-6 {
				t.Fatalf("class %d: cell %d is %v, cell 0 %v", class, i, v, cam.Map.Data[0])
			}
		}
		nonzero = nonzero || cam.Map.Data[0] > 0
	}
	if !nonzero {
		t.Error("every class gave an all-zero map; the test proves nothing")
	}
}

// TestLayerCAMCell checks LayerCAM against its definition with the
// gradient taken by finite differences at the CAM layer's output.
func TestLayerCAMCell(t *testing.T) {
	m := tinyModel(t, engine.Explicit, 8)
	x := randomProbe(1, 8).Pictures[0]
	tr, _ := m.Forward(x)
	lc, err := LayerCAM(m, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	at := CAMLayer(m)
	a := tr.Layers[at].Output
	c := a.Shape[2]
	// The logit as a function of the CAM layer's output: run the layers above it.
	logit := func(v *engine.Tensor) float64 {
		cur := v
		for _, l := range m.Layers[at+1:] {
			sh, _ := l.OutputShape(cur.Shape)
			y := engine.NewTensor(sh...)
			if d, ok := l.(*engine.Dense); ok {
				d.Logits(cur.Data, y.Data)
			} else {
				l.Forward(cur, y)
			}
			cur = y
		}
		return float64(cur.Data[1])
	}
	positive := false
	for _, v := range lc.Map.Data {
		positive = positive || v > 0
	}
	if !positive {
		t.Fatal("LayerCAM map is all zero; the comparison below would prove nothing")
	}
	for cell := 0; cell < len(lc.Map.Data); cell++ {
		want := 0.0
		for k := 0; k < c; k++ {
			const eps = 1e-3
			up, down := a.Clone(), a.Clone()
			up.Data[cell*c+k] += eps
			down.Data[cell*c+k] -= eps
			g := (logit(up) - logit(down)) / (2 * eps)
			want += math.Max(g, 0) * float64(a.Data[cell*c+k])
		}
		want = math.Max(want, 0)
		if got := float64(lc.Map.Data[cell]); math.Abs(got-want) > 2e-3*math.Max(1, want) {
			t.Errorf("cell %d: LayerCAM %v, finite differences %v", cell, got, want)
		}
	}
}

// TestPCAMatchesEigen compares PCA with an eigen-decomposition of the
// covariance matrix computed by plain loops.
func TestPCAMatchesEigen(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n, d = 200, 6
	vecs := make([][]float32, n)
	for i := range vecs {
		vecs[i] = make([]float32, d)
		for j := range vecs[i] {
			vecs[i][j] = float32(r.NormFloat64() * float64(d-j))
		}
		vecs[i][1] += vecs[i][0] * 0.5
	}
	p, err := PCA(vecs, 2)
	if err != nil {
		t.Fatal(err)
	}
	vals, evecs := covEigen(vecs)
	total := 0.0
	for _, v := range vals {
		total += v
	}
	for c := 0; c < 2; c++ {
		// Eigenvalues come ascending; component c is the (d-1-c)th.
		k := d - 1 - c
		if want := vals[k] / total; math.Abs(p.Explained[c]-want) > 1e-9 {
			t.Errorf("component %d explains %v, eigen-decomposition %v", c, p.Explained[c], want)
		}
		col := evecs[k]
		big := 0
		for j := range col {
			if math.Abs(col[j]) > math.Abs(col[big]) {
				big = j
			}
		}
		sign := math.Copysign(1, col[big])
		mean := make([]float64, d)
		for _, v := range vecs {
			for j := range v {
				mean[j] += float64(v[j]) / n
			}
		}
		for i, v := range vecs {
			s := 0.0
			for j := range v {
				s += (float64(v[j]) - mean[j]) * col[j] * sign
			}
			if math.Abs(s-p.Points[i][c]) > 1e-6*max(1, math.Abs(s)) {
				t.Fatalf("picture %d component %d: %v, eigen-decomposition %v", i, c, p.Points[i][c], s)
			}
		}
	}
	// gonum's SVD-based stat.PC is a second, independent route.
	x := mat.NewDense(n, d, nil)
	for i, v := range vecs {
		for j, f := range v {
			x.Set(i, j, float64(f))
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		t.Fatal("stat.PC failed")
	}
	vars := pc.VarsTo(nil)
	for c := 0; c < 2; c++ {
		if want := vars[c] / total; math.Abs(p.Explained[c]-want) > 1e-9 {
			t.Errorf("component %d explains %v, stat.PC %v", c, p.Explained[c], want)
		}
	}
	for i := 0; i < 5; i++ {
		got, err := p.Project(vecs[i])
		if err != nil || math.Abs(got[0]-p.Points[i][0]) > 1e-9 || math.Abs(got[1]-p.Points[i][1]) > 1e-9 {
			t.Errorf("Project(vector %d) = %v, %v; PCA placed it at %v", i, got, err, p.Points[i])
		}
	}
	if _, err := PCA(vecs[:1], 2); err == nil {
		t.Error("PCA of one vector did not fail")
	}
}

func TestAnalyseBadProbe(t *testing.T) {
	m := tinyModel(t, engine.Explicit, 8)
	if _, err := Analyse(m, Probe{}, 9, 1); err == nil {
		t.Error("empty probe did not fail")
	}
	p := randomProbe(2, 6)
	if _, err := Analyse(m, p, 9, 1); err == nil {
		t.Error("pictures of the wrong size did not fail")
	}
}
