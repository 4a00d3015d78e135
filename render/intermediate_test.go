package render

import (
	"context"
	"math"
	"testing"

	"cnnexplainer/engine"
)

// TestIntermediatesShareARangeAndSumToTheOutput: the page shows a neuron's
// intermediate maps side by side on one colour scale and says that their sum
// plus the bias is the output map, so both must hold for every neuron.
func TestIntermediatesShareARangeAndSumToTheOutput(t *testing.T) {
	m := testModel(t)
	samples := testSamples(t, m, 2)
	man, err := Render(context.Background(), m, samples, nil, t.TempDir(), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		for i, l := range m.Layers {
			conv, ok := l.(*engine.Conv2D)
			if !ok {
				continue
			}
			x, y := s.Trace.LayerInput(i), s.Trace.Layers[i].Output
			for n := 0; n < conv.OutC; n++ {
				var rng [2]float32
				var top float32
				sum := make([]float64, y.H()*y.W())
				for c := 0; c < conv.InC; c++ {
					f, ok := man.Find(KindIntermediate, s.ID, l.Name(), n, c, 0)
					if !ok {
						t.Fatalf("%s %s n%d c%d: no intermediate figure", s.ID, l.Name(), n, c)
					}
					if c == 0 {
						rng = f.Range
					} else if f.Range != rng {
						t.Errorf("%s: range %v, channel 0 has %v", f.File, f.Range, rng)
					}
					part := conv.ChannelContribution(x, n, c)
					top = max(top, maxAbs(part.Data))
					for j, v := range part.Data {
						sum[j] += float64(v)
					}
				}
				if rng[1] < top || rng[0] > -top {
					t.Errorf("%s n%d: range %v does not span the largest |value| %v", l.Name(), n, rng, top)
				}
				for j, v := range sum {
					want := float64(y.Data[j*y.C()+n])
					if got := v + float64(conv.Bias[n]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
						t.Fatalf("%s n%d cell %d: intermediates + bias = %v, output %v", l.Name(), n, j, got, want)
					}
				}
			}
		}
	}
}
