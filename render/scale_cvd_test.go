package render

import (
	"math"
	"testing"
)

// Colour-vision-deficiency simulation matrices of Machado, Oliveira and
// Fernandes (2009), severity 1.0, applied to linear RGB.
var cvdMatrices = []struct {
	name string
	m    [3][3]float64
}{
	{"protanopia", [3][3]float64{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}},
	{"deuteranopia", [3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}},
	{"tritanopia", [3][3]float64{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}},
}

func srgbToLinear(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// lab converts linear RGB (D65) to CIE L*a*b*.
func lab(r, g, b float64) [3]float64 {
	x := (0.4124*r + 0.3576*g + 0.1805*b) / 0.95047
	y := 0.2126*r + 0.7152*g + 0.0722*b
	z := (0.0193*r + 0.1192*g + 0.9505*b) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(x), f(y), f(z)
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

// simulate returns the L*a*b* colour of palette entry i as seen with the
// given deficiency (nil matrix: normal vision).
func simulate(sc Scale, i int, m *[3][3]float64) [3]float64 {
	c := sc.lut[i]
	rgb := [3]float64{srgbToLinear(c.R), srgbToLinear(c.G), srgbToLinear(c.B)}
	if m != nil {
		var out [3]float64
		for r := 0; r < 3; r++ {
			for k := 0; k < 3; k++ {
				out[r] += m[r][k] * rgb[k]
			}
			out[r] = math.Min(1, math.Max(0, out[r]))
		}
		rgb = out
	}
	return lab(rgb[0], rgb[1], rgb[2])
}

func deltaE(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// TestDivergingScalesUnderCVD checks what docs/figures.md claims for the
// two diverging scales under each simulated deficiency:
//   - magnitude reads as lightness: from the centre outwards L* falls on
//     both sides (allowing 0.5 of rounding noise per step);
//   - sign stays visible: +v and -v differ by more than 15 ΔE76 once |t-0.5|
//     is at least 0.1 (a tenth of the range away from zero), and the two ends
//     differ by more than 20.
func TestDivergingScalesUnderCVD(t *testing.T) {
	for _, s := range []Scheme{RdBu, BrBG} {
		sc, _ := NewScale(s, -1, 1)
		for _, cvd := range append([]struct {
			name string
			m    [3][3]float64
		}{{name: "normal"}}, cvdMatrices...) {
			var m *[3][3]float64
			if cvd.name != "normal" {
				m = &cvd.m
			}
			minPair := math.Inf(1)
			// Steps = 256: index 127 and 128 straddle zero.
			for k := 1; k < 128; k++ {
				lo, hi := 127-k, 128+k
				if simulate(sc, lo, m)[0] > simulate(sc, lo+1, m)[0]+0.5 {
					t.Errorf("%s %s: L* rises towards the negative end at index %d", s, cvd.name, lo)
				}
				if simulate(sc, hi, m)[0] > simulate(sc, hi-1, m)[0]+0.5 {
					t.Errorf("%s %s: L* rises towards the positive end at index %d", s, cvd.name, hi)
				}
				if k >= 26 {
					d := deltaE(simulate(sc, lo, m), simulate(sc, hi, m))
					minPair = math.Min(minPair, d)
					if d < 15 {
						t.Errorf("%s %s: -v and +v at index %d/%d differ by only %.1f", s, cvd.name, lo, hi, d)
					}
				}
			}
			ends := deltaE(simulate(sc, 0, m), simulate(sc, 255, m))
			if ends < 20 {
				t.Errorf("%s %s: the two ends differ by only %.1f", s, cvd.name, ends)
			}
			t.Logf("%s %-12s ends ΔE %.1f, L* ends %.1f / %.1f, centre %.1f, smallest ±v ΔE %.1f", s, cvd.name, ends,
				simulate(sc, 0, m)[0], simulate(sc, 255, m)[0], simulate(sc, 128, m)[0], minPair)
		}
	}
}
