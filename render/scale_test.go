package render

import (
	"image/color"
	"math"
	"testing"
)

func TestSchemeEnds(t *testing.T) {
	// The first and last palette colours are the published end colours of
	// each scheme (or the ramp ends for the linear channel schemes).
	tests := []struct {
		s      Scheme
		lo, hi string
	}{
		{RdBu, "#67001f", "#053061"},
		{BrBG, "#543005", "#003c30"},
		{Oranges, "#fff5eb", "#7f2704"},
		{Greys, "#000000", "#ffffff"},
		{Red, "#000000", "#ff0000"},
		{Green, "#000000", "#00ff00"},
		{Blue, "#000000", "#0000ff"},
	}
	for _, tt := range tests {
		t.Run(tt.s.String(), func(t *testing.T) {
			sc, err := NewScale(tt.s, -1, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := sc.Hex(-1); got != tt.lo {
				t.Errorf("low end %s, want %s", got, tt.lo)
			}
			if got := sc.Hex(1); got != tt.hi {
				t.Errorf("high end %s, want %s", got, tt.hi)
			}
			back, err := ParseScheme(tt.s.String())
			if err != nil || back != tt.s {
				t.Errorf("ParseScheme(%q) = %v, %v", tt.s.String(), back, err)
			}
		})
	}
}

func TestSplineHitsControlsAtKnots(t *testing.T) {
	// A uniform B-spline does not pass through interior control points, but
	// at a knot it equals (p[k-1] + 4 p[k] + p[k+1]) / 6. Check that at the
	// centre knot of RdBu, where the scheme's white sits.
	pts, err := parseControls("fddbc7f7f7f7d1e5f0")
	if err != nil {
		t.Fatal(err)
	}
	want := [3]float64{}
	for ch := range want {
		want[ch] = math.Round((pts[0][ch] + 4*pts[1][ch] + pts[2][ch]) / 6)
	}
	sc, _ := NewScale(RdBu, 0, 1)
	// t = 0.5 is exactly the sixth of eleven control points.
	got := splineColor(mustControls(t, RdBu), 0.5)
	if float64(got.R) != want[0] || float64(got.G) != want[1] || float64(got.B) != want[2] {
		t.Errorf("RdBu centre %v, want %v", got, want)
	}
	if c := sc.Color(0.5); c != sc.lut[128] && c != sc.lut[127] {
		t.Errorf("Color(0.5) %v is not a centre entry", c)
	}
}

// TestSplineMatchesD3 compares our interpolation with published outputs
// of d3's interpolateRdBu at nine evenly spaced positions, as printed in
// the documentation of a port of d3-scale-chromatic (scale from -1 to 1 in
// steps of 0.25).
func TestSplineMatchesD3(t *testing.T) {
	want := [][3]uint8{
		{103, 0, 31}, {184, 45, 53}, {228, 130, 104}, {250, 204, 180}, {242, 239, 238},
		{191, 220, 235}, {107, 172, 208}, {42, 113, 174}, {5, 48, 97},
	}
	pts := mustControls(t, RdBu)
	for i, w := range want {
		pos := float64(i) / 8
		got := splineColor(pts, pos)
		if got.R != w[0] || got.G != w[1] || got.B != w[2] {
			t.Errorf("RdBu(%v) = rgb(%d, %d, %d), d3 gives rgb(%d, %d, %d)", pos, got.R, got.G, got.B, w[0], w[1], w[2])
		}
	}
}

func mustControls(t *testing.T, s Scheme) [][3]float64 {
	hex, ok := controls(s)
	if !ok {
		t.Fatalf("no controls for %s", s)
	}
	pts, err := parseControls(hex)
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

func TestPaletteEntriesDistinct(t *testing.T) {
	// Value inverts Color only if no two palette entries share a colour.
	for _, s := range []Scheme{RdBu, BrBG, Oranges, Greys, Red, Green, Blue} {
		sc, _ := NewScale(s, 0, 1)
		seen := map[color.NRGBA]int{}
		for i, c := range sc.Palette() {
			n := c.(color.NRGBA)
			if j, ok := seen[n]; ok {
				t.Errorf("%s: entries %d and %d are both %v", s, j, i, n)
			}
			seen[n] = i
		}
	}
}

func TestValueInvertsColor(t *testing.T) {
	for _, s := range []Scheme{RdBu, BrBG, Oranges, Greys, Red} {
		sc, _ := NewScale(s, -3, 5)
		step := (sc.Hi - sc.Lo) / (Steps - 1)
		for v := float32(-3); v <= 5; v += 0.0137 {
			if got := sc.Value(sc.Color(v)); math.Abs(float64(got-v)) > float64(step)/2+1e-5 {
				t.Fatalf("%s: Value(Color(%v)) = %v, more than half a step (%v) off", s, v, got, step/2)
			}
		}
	}
}

func TestIndexClampsAndHandlesNaN(t *testing.T) {
	sc := ActivationScale(1) // [-1.1, 1.1]
	tests := []struct {
		v    float32
		want uint8
	}{
		{-100, 0}, {100, 255}, {-1.1, 0}, {1.1, 255}, {0, 128}, {float32(math.NaN()), 128},
		{float32(math.Inf(1)), 255}, {float32(math.Inf(-1)), 0},
	}
	for _, tt := range tests {
		if got := sc.Index(tt.v); got != tt.want {
			t.Errorf("Index(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

// TestIndexRounds holds Index to its definition, round(clamp(t)*255) with
// math.Round, at the values where a hand-made rounding could slip: every
// half step and the floats next to it, both ends, and a sweep of ranges.
func TestIndexRounds(t *testing.T) {
	ref := func(s Scale, v float32) uint8 {
		t := (float64(v) - float64(s.Lo)) / (float64(s.Hi) - float64(s.Lo))
		if t != t {
			t = 0.5
		}
		return uint8(math.Round(math.Min(1, math.Max(0, t)) * (Steps - 1)))
	}
	var scales []Scale
	for _, r := range [][2]float32{{0, 255}, {-1.1, 1.1}, {-0.37, 2.9}, {1e-6, 3e-6}, {-1e4, 1e4}} {
		s, err := NewScale(RdBu, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		scales = append(scales, s)
	}
	for _, s := range scales {
		var values []float32
		for k := -2; k <= 2*Steps+2; k++ {
			v := s.ValueAt(0) + float32(float64(k)/2/(Steps-1)*(float64(s.Hi)-float64(s.Lo)))
			values = append(values, v, math.Nextafter32(v, float32(math.Inf(1))), math.Nextafter32(v, float32(math.Inf(-1))))
		}
		values = append(values, 0, float32(math.Copysign(0, -1)), s.Lo, s.Hi, float32(math.NaN()),
			float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32)
		for _, v := range values {
			if got, want := s.Index(v), ref(s, v); got != want {
				t.Errorf("[%v, %v]: Index(%v) = %d, want %d", s.Lo, s.Hi, v, got, want)
			}
		}
	}
}

func TestExplainerRange(t *testing.T) {
	// CNN Explainer: r = 2*(0.1 + max|v|), t = (v + r/2)/r.
	for _, m := range []float32{0, 0.5, 3} {
		lo, hi := ExplainerRange(m)
		r := 2 * (0.1 + m)
		if lo != -r/2 || hi != r/2 {
			t.Errorf("ExplainerRange(%v) = [%v, %v], want [%v, %v]", m, lo, hi, -r/2, r/2)
		}
		sc := ActivationScale(m)
		for _, v := range []float32{-m, 0, m / 3, m} {
			tpos := (v + r/2) / r
			if got, want := sc.Index(v), uint8(math.Round(float64(tpos)*255)); got != want {
				t.Errorf("max %v: Index(%v) = %d, want %d", m, v, got, want)
			}
		}
	}
}

func TestScalesOfNonFiniteMaxima(t *testing.T) {
	for _, m := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		if a := ActivationScale(m); a.Lo != -0.1 || a.Hi != 0.1 || a.lut == nil {
			t.Errorf("ActivationScale(%v) = %+v, want [-0.1, 0.1]", m, a)
		}
		if w := WeightScale(m); w.Lo != -1 || w.Hi != 1 || w.lut == nil {
			t.Errorf("WeightScale(%v) = %+v, want [-1, 1]", m, w)
		}
	}
}

func TestNewScaleRejectsBadRanges(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	for _, r := range [][2]float32{{1, 0}, {nan, 1}, {0, nan}, {-inf, 0}, {0, inf}} {
		if _, err := NewScale(RdBu, r[0], r[1]); err == nil {
			t.Errorf("NewScale(%v, %v) accepted", r[0], r[1])
		}
	}
	if _, err := NewScale(Scheme(99), 0, 1); err == nil {
		t.Error("unknown scheme accepted")
	}
	sc, err := NewScale(Oranges, 2, 2)
	if err != nil || sc.Lo >= sc.Hi {
		t.Errorf("empty range not widened: %+v, %v", sc, err)
	}
	if sc.Index(2) != 128 {
		t.Errorf("value of an empty range maps to %d, want the middle", sc.Index(2))
	}
}
