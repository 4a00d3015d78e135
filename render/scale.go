package render

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"sync"
)

// Scheme is a colour scheme a Scale maps values onto.
type Scheme int

const (
	// RdBu is the diverging red-white-blue scheme for activations of
	// convolution, ReLU and pooling layers (negative red, positive blue).
	RdBu Scheme = iota + 1
	// BrBG is the diverging brown-white-green scheme for kernel and dense
	// weights (negative brown, positive green).
	BrBG
	// Oranges is the sequential scheme for logits.
	Oranges
	// Greys is the input-channel scheme: black for 0, white for the top of
	// the range (the Greys ends reversed, so bright pixels look bright).
	Greys
	// Red, Green and Blue are black-to-primary ramps for the channel views of
	// a colour input.
	Red
	Green
	Blue
)

var schemeNames = [...]string{
	RdBu: "rdbu", BrBG: "brbg", Oranges: "oranges", Greys: "greys",
	Red: "red", Green: "green", Blue: "blue",
}

func (s Scheme) String() string {
	if s > 0 && int(s) < len(schemeNames) {
		return schemeNames[s]
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// ParseScheme is the inverse of Scheme.String.
func ParseScheme(name string) (Scheme, error) {
	for s, n := range schemeNames {
		if n != "" && n == name {
			return Scheme(s), nil
		}
	}
	return 0, fmt.Errorf("render: unknown colour scheme %q", name)
}

// MarshalText writes the scheme's name, as manifest.json holds it.
func (s Scheme) MarshalText() ([]byte, error) {
	if s <= 0 || int(s) >= len(schemeNames) {
		return nil, fmt.Errorf("render: no colour scheme %d", int(s))
	}
	return []byte(schemeNames[s]), nil
}

// UnmarshalText reads a scheme's name.
func (s *Scheme) UnmarshalText(b []byte) error {
	v, err := ParseScheme(string(b))
	*s = v
	return err
}

// Control colours of the ColorBrewer schemes as d3-scale-chromatic publishes
// them (the 11-class diverging and 9-class sequential sets). Between control
// colours we interpolate with a uniform cubic B-spline in sRGB, the curve
// d3's interpolateRgbBasis draws, so our maps look like the original's.
func controls(s Scheme) (string, bool) {
	switch s {
	case RdBu:
		return "67001fb2182bd6604df4a582fddbc7f7f7f7d1e5f092c5de4393c32166ac053061", true
	case BrBG:
		return "5430058c510abf812ddfc27df6e8c3f5f5f5c7eae580cdc135978f01665e003c30", true
	case Oranges:
		return "fff5ebfee6cefdd0a2fdae6bfd8d3cf16913d94801a636037f2704", true
	}
	return "", false
}

// Steps is the number of distinct colours of every scale; a value is
// quantised to one of them, which is also the palette of a map PNG.
const Steps = 256

// Scale maps values in [Lo, Hi] linearly onto a scheme: t = (v-Lo)/(Hi-Lo),
// clamped to [0, 1], then quantised to one of Steps colours. The zero value
// is not usable; build one with NewScale or ActivationScale.
type Scale struct {
	Scheme Scheme
	Lo, Hi float32
	lut    *[Steps]color.NRGBA
}

// NewScale returns a scale of scheme s over [lo, hi]. An empty range (lo ==
// hi) is widened by one unit so that every value still has a colour.
func NewScale(s Scheme, lo, hi float32) (Scale, error) {
	if !(lo <= hi) || isInf(lo) || isInf(hi) {
		return Scale{}, fmt.Errorf("render: bad range [%v, %v] for scale %s", lo, hi, s)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	lut, err := schemeLUT(s)
	if err != nil {
		return Scale{}, err
	}
	return Scale{Scheme: s, Lo: lo, Hi: hi, lut: lut}, nil
}

// schemeLUTs computes each scheme's colours once, on first use: a build
// makes a scale for every map it draws, and sampling the spline 256 times
// for each was 5% of a 50-sample build's CPU. The tables are never written
// after they are made (Palette hands out copies), so sharing them is safe.
var schemeLUTs = func() (t [len(schemeNames)]func() (*[Steps]color.NRGBA, error)) {
	for i := range t {
		t[i] = sync.OnceValues(func() (*[Steps]color.NRGBA, error) { return buildLUT(Scheme(i)) })
	}
	return t
}()

func schemeLUT(s Scheme) (*[Steps]color.NRGBA, error) {
	if s < 0 || int(s) >= len(schemeLUTs) {
		return buildLUT(s) // the error naming the scheme
	}
	return schemeLUTs[s]()
}

// ExplainerRange is CNN Explainer's activation range for a set of values
// whose largest magnitude is maxAbs: r = 2*(0.1 + maxAbs), centred at 0, so
// the colour position of v is t = (v + r/2)/r.
func ExplainerRange(maxAbs float32) (lo, hi float32) {
	h := 0.1 + maxAbs
	return -h, h
}

// ActivationScale is the RdBu scale over ExplainerRange(maxAbs). A
// non-finite maxAbs counts as 0.
func ActivationScale(maxAbs float32) Scale {
	m := abs32(maxAbs)
	if m != m || isInf(m) {
		m = 0
	}
	lo, hi := ExplainerRange(m)
	s, _ := NewScale(RdBu, lo, hi) // a finite symmetric range never fails
	return s
}

// WeightScale is the BrBG scale over [-maxAbs, maxAbs] used for kernels and
// dense weights. Weights are much smaller than activations, so CNN
// Explainer's 0.1 margin would wash them out; the range is their own.
func WeightScale(maxAbs float32) Scale {
	m := abs32(maxAbs)
	if m == 0 || isInf(m) || m != m {
		m = 1
	}
	s, _ := NewScale(BrBG, -m, m)
	return s
}

// Range returns [Lo, Hi] as the manifest records it.
func (s Scale) Range() [2]float32 { return [2]float32{s.Lo, s.Hi} }

// Index returns the palette index of v: round(t*(Steps-1)) with t clamped.
// NaN maps to the middle of the scale.
// It runs for every cell of every map drawn, so it rounds by hand: for x
// in [0, 255], int(x) is the floor and x - floor(x) is exact, which gives
// math.Round's result without its bit manipulation (TestIndexRounds).
func (s Scale) Index(v float32) uint8 {
	t := (float64(v) - float64(s.Lo)) / (float64(s.Hi) - float64(s.Lo))
	switch {
	case t != t:
		t = 0.5
	case t < 0:
		t = 0
	case t > 1:
		t = 1
	}
	x := t * (Steps - 1)
	i := int(x)
	if x-float64(i) >= 0.5 {
		i++
	}
	return uint8(i)
}

// Color returns the colour of v.
func (s Scale) Color(v float32) color.NRGBA { return s.lut[s.Index(v)] }

// ValueAt returns the value that palette index i stands for.
func (s Scale) ValueAt(i uint8) float32 {
	return float32(float64(s.Lo) + float64(i)/(Steps-1)*(float64(s.Hi)-float64(s.Lo)))
}

// Value maps a colour back to a value: the value of the nearest palette
// entry (squared sRGB distance). Tests use it to read figures back.
func (s Scale) Value(c color.Color) float32 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	best, bi := math.MaxInt, 0
	for i, e := range s.lut {
		dr, dg, db := int(r>>8)-int(e.R), int(g>>8)-int(e.G), int(b>>8)-int(e.B)
		if d := dr*dr + dg*dg + db*db; d < best {
			best, bi = d, i
		}
	}
	return s.ValueAt(uint8(bi))
}

// Palette returns the Steps colours of the scale, index i being the colour
// of ValueAt(i).
func (s Scale) Palette() color.Palette {
	p := make(color.Palette, Steps)
	for i, c := range s.lut {
		p[i] = c
	}
	return p
}

// Hex returns the colour of v as #rrggbb for SVG.
func (s Scale) Hex(v float32) string { return hexColor(s.Color(v)) }

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// CSSColor is c as a CSS colour, for pages that colour a table cell.
func CSSColor(c color.NRGBA) string { return hexColor(c) }

// buildLUT samples scheme s at Steps evenly spaced positions.
func buildLUT(s Scheme) (*[Steps]color.NRGBA, error) {
	var lut [Steps]color.NRGBA
	switch s {
	case Greys, Red, Green, Blue:
		// A linear ramp keeps the channel view byte-exact: pixel byte p has
		// palette index p.
		for i := range lut {
			g := uint8(i)
			c := color.NRGBA{A: 255}
			switch s {
			case Greys:
				c.R, c.G, c.B = g, g, g
			case Red:
				c.R = g
			case Green:
				c.G = g
			case Blue:
				c.B = g
			}
			lut[i] = c
		}
		return &lut, nil
	}
	hex, ok := controls(s)
	if !ok {
		return nil, fmt.Errorf("render: unknown colour scheme %s", s)
	}
	pts, err := parseControls(hex)
	if err != nil {
		return nil, err
	}
	for i := range lut {
		lut[i] = splineColor(pts, float64(i)/(Steps-1))
	}
	return &lut, nil
}

func parseControls(hex string) ([][3]float64, error) {
	if len(hex)%6 != 0 {
		return nil, fmt.Errorf("render: control colour list of length %d", len(hex))
	}
	pts := make([][3]float64, len(hex)/6)
	for i := range pts {
		for ch := 0; ch < 3; ch++ {
			v, err := strconv.ParseUint(hex[i*6+ch*2:i*6+ch*2+2], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("render: control colour %q: %w", hex[i*6:i*6+6], err)
			}
			pts[i][ch] = float64(v)
		}
	}
	return pts, nil
}

// splineColor evaluates the uniform cubic B-spline through the control
// colours at t in [0, 1]. The curve runs over len(pts)-1 equal segments; at
// either end a phantom point mirrors the neighbour (2*end - next), which
// makes the curve start and finish exactly on the first and last colour.
func splineColor(pts [][3]float64, t float64) color.NRGBA {
	n := len(pts) - 1
	seg := min(int(t*float64(n)), n-1)
	u := t*float64(n) - float64(seg)
	at := func(k int) [3]float64 {
		switch {
		case k < 0:
			return sub2(pts[0], pts[1])
		case k > n:
			return sub2(pts[n], pts[n-1])
		}
		return pts[k]
	}
	p0, p1, p2, p3 := at(seg-1), at(seg), at(seg+1), at(seg+2)
	// Cubic B-spline basis weights; they sum to 1 for every u.
	u2, u3 := u*u, u*u*u
	w0 := (1 - u) * (1 - u) * (1 - u) / 6
	w1 := (3*u3 - 6*u2 + 4) / 6
	w2 := (-3*u3 + 3*u2 + 3*u + 1) / 6
	w3 := u3 / 6
	var c [3]uint8
	for ch := range c {
		v := w0*p0[ch] + w1*p1[ch] + w2*p2[ch] + w3*p3[ch]
		c[ch] = uint8(math.Round(math.Min(255, math.Max(0, v))))
	}
	return color.NRGBA{R: c[0], G: c[1], B: c[2], A: 255}
}

// sub2 returns 2a - b.
func sub2(a, b [3]float64) [3]float64 {
	return [3]float64{2*a[0] - b[0], 2*a[1] - b[1], 2*a[2] - b[2]}
}

func abs32(v float32) float32 { return float32(math.Abs(float64(v))) }

func isInf(v float32) bool { return math.IsInf(float64(v), 0) }
