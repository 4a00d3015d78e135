package render

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/train"
)

// svgDoc is what the tests read back from an animation SVG or bundle.
type svgDoc struct {
	steps, cols int
	animated    []string // class of every moving element
	css         string
	images      []image.Image    // every embedded picture, strips included
	strips      map[string]strip // pictures in <defs>, by id
	groups      []animGroup      // the members, children of the cnnx-sel group
	ids         map[string]int   // how often each id occurs
	clipped     bool             // the members are clipped to the map areas
	elements    int
}

// strip is a picture defined once and shown through <use>.
type strip struct {
	img                 image.Image
	x, y, width, height float64
}

// animGroup is one member: its id and its maps, input first.
type animGroup struct {
	id    string
	parts []mapPart
}

// mapPart is a map drawn in place (img at x, y) or a <use> of a strip
// moved by y.
type mapPart struct {
	img   image.Image
	x, y  float64
	strip string
}

// parseAnimSVG checks that data is well-formed XML and collects the
// animation's parts.
func parseAnimSVG(t *testing.T, name string, data []byte) svgDoc {
	t.Helper()
	d := svgDoc{strips: map[string]strip{}, ids: map[string]int{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth, defsDepth, selDepth := 0, -1, -1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed: %v", name, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			d.elements++
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			if id, ok := attr["id"]; ok {
				d.ids[id]++
			}
			num := func(key string) float64 {
				v, err := strconv.ParseFloat(attr[key], 64)
				if err != nil && attr[key] != "" {
					t.Fatalf("%s: <%s %s=%q>", name, e.Name.Local, key, attr[key])
				}
				return v
			}
			if depth == 0 {
				if e.Name.Local != "svg" || attr["class"] != "cnnx-anim" {
					t.Fatalf("%s: root is <%s class=%q>", name, e.Name.Local, attr["class"])
				}
				d.steps, _ = strconv.Atoi(attr["data-steps"])
				d.cols, _ = strconv.Atoi(attr["data-cols"])
			}
			if motionRE.MatchString(attr["class"]) {
				d.animated = append(d.animated, attr["class"])
			}
			// A single animation has no cnnx-sel group: its maps are
			// the one member, with no id.
			inMember := selDepth >= 0 && depth > selDepth+1 || selDepth < 0 && defsDepth < 0 && (e.Name.Local == "image" || e.Name.Local == "use")
			if inMember && selDepth < 0 && len(d.groups) == 0 {
				d.groups = append(d.groups, animGroup{})
			}
			switch e.Name.Local {
			case "style":
				var css string
				if err := dec.DecodeElement(&css, &e); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				d.css += css
				continue
			case "defs":
				defsDepth = depth
			case "g":
				if attr["class"] == "cnnx-sel" {
					if selDepth >= 0 {
						t.Fatalf("%s: two cnnx-sel groups", name)
					}
					selDepth, d.clipped = depth, attr["clip-path"] == "url(#cnnx-clip)"
				} else if selDepth >= 0 && depth == selDepth+1 {
					d.groups = append(d.groups, animGroup{id: attr["id"]})
				}
			case "image":
				const prefix = "data:image/png;base64,"
				href := attr["href"]
				if !strings.HasPrefix(href, prefix) {
					t.Fatalf("%s: image is not an embedded PNG: %.40q", name, href)
				}
				raw, err := base64.StdEncoding.DecodeString(href[len(prefix):])
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				img, err := png.Decode(bytes.NewReader(raw))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				d.images = append(d.images, img)
				// One pixel per cell, whether in place or a strip.
				if b := img.Bounds(); num("width") != float64(b.Dx()*animCell) || num("height") != float64(b.Dy()*animCell) {
					t.Errorf("%s: a %dx%d picture in a %sx%s box", name, b.Dx(), b.Dy(), attr["width"], attr["height"])
				}
				switch {
				case defsDepth >= 0 && attr["id"] != "":
					d.strips[attr["id"]] = strip{img, num("x"), num("y"), num("width"), num("height")}
				case inMember:
					g := &d.groups[len(d.groups)-1]
					g.parts = append(g.parts, mapPart{img: img, x: num("x"), y: num("y")})
				default:
					t.Fatalf("%s: picture outside the defs and the members", name)
				}
			case "use":
				if !inMember || !strings.HasPrefix(attr["href"], "#") {
					t.Fatalf("%s: <use href=%q> outside a member", name, attr["href"])
				}
				g := &d.groups[len(d.groups)-1]
				g.parts = append(g.parts, mapPart{strip: attr["href"][1:], x: num("x"), y: num("y")})
			}
			depth++
		case xml.EndElement:
			depth--
			switch depth {
			case defsDepth:
				defsDepth = -1
			case selDepth:
				selDepth = -1
			}
		}
	}
	return d
}

// maps returns the input and output map member id ("" for a single
// animation) shows, cut out of their strips, after checking that each
// <use> puts whole maps exactly on the map areas at inAt and outAt. An
// output drawn over its input (ReLU bundles) is composed as a browser
// would: the input moved to the output side, under the cells that differ.
func (d svgDoc) maps(t *testing.T, name, id string, inAt, outAt [2]float64, inH, inW, outH, outW int) (in, out image.Image) {
	t.Helper()
	var g *animGroup
	for i := range d.groups {
		if d.groups[i].id == id {
			g = &d.groups[i]
		}
	}
	if g == nil || len(g.parts) != 2 && len(g.parts) != 3 {
		t.Fatalf("%s#%s: no member with two or three maps (%+v)", name, id, g)
	}
	cut := func(p mapPart, at [2]float64, h, w int) image.Image {
		if p.img != nil {
			if b := p.img.Bounds(); b.Dx() != w || b.Dy() != h || p.x != at[0] || p.y != at[1] {
				t.Fatalf("%s#%s: a %dx%d map at (%v, %v), want %dx%d at %v", name, id, b.Dx(), b.Dy(), p.x, p.y, w, h, at)
			}
			return p.img
		}
		s, ok := d.strips[p.strip]
		if !ok {
			t.Fatalf("%s#%s: no strip %q", name, id, p.strip)
		}
		row := (at[1] - s.y - p.y) / animCell
		b := s.img.Bounds()
		if s.x+p.x != at[0] || row != math.Trunc(row) || int(row)%h != 0 || row < 0 || int(row)+h > b.Dy() || b.Dx() != w {
			t.Fatalf("%s#%s: <use x=%v y=%v> of a %dx%d strip at (%v, %v) does not put a %dx%d map at %v",
				name, id, p.x, p.y, b.Dx(), b.Dy(), s.x, s.y, w, h, at)
		}
		if b.Dy() > h && !d.clipped {
			t.Fatalf("%s: strips of several maps but no clip path", name)
		}
		return s.img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(0, int(row), w, int(row)+h))
	}
	in = cut(g.parts[0], inAt, inH, inW)
	if len(g.parts) == 2 {
		return in, cut(g.parts[1], outAt, outH, outW)
	}
	base, over := cut(g.parts[1], outAt, outH, outW), cut(g.parts[2], outAt, outH, outW)
	img := image.NewNRGBA(image.Rect(0, 0, outW, outH))
	for y := 0; y < outH; y++ {
		for x := 0; x < outW; x++ {
			c := over.At(over.Bounds().Min.X+x, over.Bounds().Min.Y+y)
			if _, _, _, a := c.RGBA(); a == 0 {
				c = base.At(base.Bounds().Min.X+x, base.Bounds().Min.Y+y)
			} else if a != 0xffff {
				t.Fatalf("%s#%s: a half-transparent cell", name, id)
			}
			img.Set(x, y, c)
		}
	}
	return in, img
}

var motionRE = regexp.MustCompile(`^cnnx-([xy])(\d+)-(\d+)-(\d+)$`)

// checkSteps asserts that the moving elements move in exactly the expected
// steps: rows in steps(oh) over all oh*ow steps, columns in steps(ow) over
// one row, each class with its rule and keyframes in the style sheet.
func checkSteps(t *testing.T, name string, d svgDoc, oh, ow int) {
	t.Helper()
	if d.steps != oh*ow || d.cols != ow {
		t.Errorf("%s: data-steps %d data-cols %d, want %d and %d", name, d.steps, d.cols, oh*ow, ow)
	}
	// Window (row, column), rows-below cover, current-row cover and
	// current-cell outline (row, column).
	if len(d.animated) != 5 {
		t.Fatalf("%s: %d moving elements, want 5", name, len(d.animated))
	}
	rows, cols := 0, 0
	for _, class := range d.animated {
		m := motionRE.FindStringSubmatch(class)
		dist, _ := strconv.Atoi(m[2])
		steps, _ := strconv.Atoi(m[3])
		cycle, _ := strconv.Atoi(m[4])
		key := "cnnx-" + m[1] + m[2]
		rule := "." + class + "{animation:" + key + " calc(var(--cnnx-t) * " + m[4] + ") steps(" + m[3] +
			") var(--at,0s) infinite var(--play,running)}"
		to := "0," + m[2] + "px"
		if m[1] == "x" {
			to = m[2] + "px,0"
		}
		if !strings.Contains(d.css, rule) || !strings.Contains(d.css, "@keyframes "+key+"{to{transform:translate("+to+")}}") {
			t.Errorf("%s: no rule or keyframes for %s in %s", name, class, d.css)
		}
		switch {
		case m[1] == "y" && steps == oh && cycle == oh*ow && dist%(oh*animCell) == 0:
			rows++
		case m[1] == "x" && steps == ow && cycle == ow && dist%(ow*animCell) == 0:
			cols++
		default:
			t.Errorf("%s: unexpected motion %s", name, class)
		}
	}
	if rows != 3 || cols != 2 {
		t.Errorf("%s: %d row and %d column motions, want 3 and 2", name, rows, cols)
	}
}

// readBack maps every pixel of img back through sc and compares it with
// want, within half a palette step.
func readBack(t *testing.T, name string, img image.Image, sc Scale, want []float32) {
	t.Helper()
	b := img.Bounds()
	if b.Dx()*b.Dy() != len(want) {
		t.Fatalf("%s: image %dx%d for %d values", name, b.Dx(), b.Dy(), len(want))
	}
	tol := float64(sc.Hi-sc.Lo)/(Steps-1)/2 + 1e-6
	for i, v := range want {
		got := sc.Value(img.At(b.Min.X+i%b.Dx(), b.Min.Y+i/b.Dx()))
		if math.Abs(float64(got-v)) > tol {
			t.Fatalf("%s: cell %d reads %v, trace has %v (tolerance %v)", name, i, got, v, tol)
		}
	}
}

// TestAnimationsReadBack renders every animation bundle of a sample and
// checks the SVG, its step counts, its fragment ids and every cell of both
// maps of every member against the trace.
func TestAnimationsReadBack(t *testing.T) {
	m := testModel(t)
	samples := testSamples(t, m, 1)
	jobs, err := planAnimations(m, samples)
	if err != nil {
		t.Fatal(err)
	}
	tr := samples[0].Trace
	ranges, err := NewRanges(m, tr)
	if err != nil {
		t.Fatal(err)
	}
	want, figures, bundles := 0, 0, 0
	for i, l := range m.Layers {
		switch l := l.(type) {
		case *engine.Conv2D:
			want += l.InC * l.OutC
			bundles++
		case *engine.ReLU, *engine.MaxPool2D:
			want += tr.Layers[i].Output.C()
			bundles++
		}
	}
	if len(jobs) != bundles {
		t.Fatalf("%d bundles planned, want one per layer with animations (%d)", len(jobs), bundles)
	}
	for _, j := range jobs {
		figs := append([]Figure{j.Figure}, j.Also...)
		figures += len(figs)
		data, err := j.Draw()
		if err != nil {
			t.Fatalf("%s: %v", j.Figure.File, err)
		}
		name := j.Figure.File
		d := parseAnimSVG(t, name, data)
		i := layerIndex(t, m, j.Figure.Layer)
		x, y := tr.LayerInput(i), tr.Layers[i].Output
		checkSteps(t, name, d, y.H(), y.W())
		if name != AnimFile(samples[0].ID, j.Figure.Layer) {
			t.Errorf("bundle file %s", name)
		}
		if len(d.groups) != len(figs) || d.groups[0].id != figs[0].Fragment {
			t.Fatalf("%s: %d members, first %q; the manifest has %d, first %q", name, len(d.groups), d.groups[0].id, len(figs), figs[0].Fragment)
		}
		if !strings.Contains(d.css, animSelectCSS) {
			t.Errorf("%s: no rule that shows the :target member", name)
		}
		for id, n := range d.ids {
			if n != 1 {
				t.Errorf("%s: id %q occurs %d times", name, id, n)
			}
		}
		for _, f := range figs {
			if f.File != name || f.Fragment != AnimFragment(f.Neuron, f.Channel) || d.ids[f.Fragment] != 1 {
				t.Fatalf("%s: figure %s (neuron %d, channel %d) is not exactly one member", name, f.Ref(), f.Neuron, f.Channel)
			}
			// The maps must sit where the manifest's geometry puts them.
			p := f.Params
			padH, padW := p["pad_top"]+p["in_h"]+p["pad_bottom"], p["pad_left"]+p["in_w"]+p["pad_right"]
			rows := max(padH, p["out_h"])
			inAt := [2]float64{float64(animMargin + p["pad_left"]*animCell), float64(animMargin + (rows-padH)*animCell/2 + p["pad_top"]*animCell)}
			outAt := [2]float64{float64(animMargin + padW*animCell + animGap), float64(animMargin + (rows-p["out_h"])*animCell/2)}
			gotIn, gotOut := d.maps(t, name, f.Fragment, inAt, outAt, x.H(), x.W(), y.H(), y.W())
			// ReLU draws its output as the input under the cells that
			// changed; the others draw their own output map.
			_, relu := m.Layers[i].(*engine.ReLU)
			if parts := len(d.groups[memberIndex(d, f.Fragment)].parts); parts != map[bool]int{true: 3, false: 2}[relu] {
				t.Errorf("%s: %d maps drawn", f.Ref(), parts)
			}
			// The input side shows the map the layer reads, in that
			// map's own figure's colours.
			c := f.Channel
			if c < 0 {
				c = f.Neuron
			}
			var inScale Scale
			if i == 0 {
				inScale, err = NewScale(channelScheme(c, x.C()), 0, inputRange(m))
			} else {
				inScale, err = ranges.Scale(Unit, m.Layers[i-1].Name(), c)
			}
			if err != nil {
				t.Fatal(err)
			}
			readBack(t, f.Ref()+" input", gotIn, inScale, x.Channel(c).Data)
			// The output side: the channel's contribution for a
			// convolution (computed here from the kernel, not by the
			// engine), the layer's output otherwise.
			var out []float32
			switch l := m.Layers[i].(type) {
			case *engine.Conv2D:
				out = naiveContribution(l, x, f.Neuron, f.Channel)
			default:
				out = y.Channel(f.Neuron).Data
			}
			outScale, err := NewScale(RdBu, f.Range[0], f.Range[1])
			if err != nil || f.Scale != RdBu {
				t.Fatalf("%s: output scale %s %v: %v", f.Ref(), f.Scale, f.Range, err)
			}
			readBack(t, f.Ref()+" output", gotOut, outScale, out)
			if f.Params["steps"] != y.H()*y.W() || f.Width < 1 || f.Height < 1 {
				t.Errorf("%s: params %v, size %dx%d", f.Ref(), f.Params, f.Width, f.Height)
			}
		}
	}
	if figures != want {
		t.Fatalf("%d animations in the manifest, want %d", figures, want)
	}
}

// naiveContribution is the convolution of one input channel with one
// kernel slice, written out from the definition with explicit padding
// checks.
func naiveContribution(l *engine.Conv2D, x *engine.Tensor, o, c int) []float32 {
	wy, wx, _ := l.Windows(x.Shape)
	k := l.KernelSlice(o, c)
	var out []float32
	for oy := 0; oy < wy.Out; oy++ {
		for ox := 0; ox < wx.Out; ox++ {
			var s float64
			for ky := 0; ky < l.KH; ky++ {
				for kx := 0; kx < l.KW; kx++ {
					iy, ix := oy*l.StrideH+ky-wy.Before, ox*l.StrideW+kx-wx.Before
					if iy >= 0 && iy < x.H() && ix >= 0 && ix < x.W() {
						s += float64(x.At(iy, ix, c)) * float64(k[ky*l.KW+kx])
					}
				}
			}
			out = append(out, float32(s))
		}
	}
	return out
}

func layerIndex(t *testing.T, m *engine.Model, name string) int {
	t.Helper()
	for i, l := range m.Layers {
		if l.Name() == name {
			return i
		}
	}
	t.Fatalf("no layer %s", name)
	return -1
}

func TestNewAnimRejectsBadArguments(t *testing.T) {
	m := testModel(t)
	tr := testSamples(t, m, 1)[0].Trace
	for _, c := range []struct {
		layer           string
		neuron, channel int
		want            string
	}{
		{"nope", 0, 0, `no layer "nope"`},
		{"conv_1_1", 4, 0, "no neuron 4"},
		{"conv_1_1", -1, 0, "no neuron -1"},
		{"conv_1_1", 0, 3, "no input channel 3"},
		{"conv_1_1", 0, -1, "no input channel -1"},
		{"relu_1_1", 1, 2, "channel must be -1 or the neuron"},
		{"flatten", 0, -1, "does not map a map to a map"},
		{"output", 0, -1, "does not map a map to a map"},
	} {
		if _, err := NewAnim(m, tr, c.layer, c.neuron, c.channel); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewAnim(%s, %d, %d) = %v, want an error with %q", c.layer, c.neuron, c.channel, err, c.want)
		}
	}
	// The channel of ReLU and max-pool may be given as the neuron itself.
	if _, err := NewAnim(m, tr, "max_pool_1", 2, 2); err != nil {
		t.Error(err)
	}
}

func TestPaddedConvAnimation(t *testing.T) {
	// Same padding with an even kernel pads unevenly (more after than
	// before); the window, the output and the leftover must follow.
	x := engine.NewTensor(5, 4, 1)
	for i := range x.Data {
		x.Data[i] = float32(i%7) - 3
	}
	l := &engine.Conv2D{LayerName: "c", KH: 2, KW: 2, InC: 1, OutC: 1, StrideH: 2, StrideW: 1, Padding: engine.Same,
		Kernel: []float32{1, -1, 0.5, 2}, Bias: []float32{0}}
	m := &engine.Model{Name: "pad", Input: engine.Input{Shape: []int{5, 4, 1}, Scale: 1}, Layers: []engine.Layer{l,
		&engine.Flatten{LayerName: "f"}}}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAnim(m, tr, "c", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	wy, wx, _ := l.Windows(x.Shape)
	if a.Top != wy.Before || a.Bottom != wy.After || a.Left != wx.Before || a.Right != wx.After || a.Out.H != wy.Out || a.Out.W != wx.Out {
		t.Fatalf("geometry %+v, windows %+v %+v", a, wy, wx)
	}
	if lr, lc := a.Leftover(); lr != a.PadH()-((wy.Out-1)*2+2) || lc != 0 {
		t.Errorf("leftover %d, %d", lr, lc)
	}
	data, err := a.SVG()
	if err != nil {
		t.Fatal(err)
	}
	d := parseAnimSVG(t, "pad", data)
	checkSteps(t, "pad", d, wy.Out, wx.Out)
	if len(d.groups) != 1 || d.clipped || len(d.strips) != 0 || strings.Contains(d.css, ":target") {
		t.Errorf("a single animation drawn as a bundle: %d members, clipped %v, %d strips", len(d.groups), d.clipped, len(d.strips))
	}
	rows := max(a.PadH(), a.Out.H)
	inAt := [2]float64{float64(animMargin + a.Left*animCell), float64(animMargin + (rows-a.PadH())*animCell/2 + a.Top*animCell)}
	outAt := [2]float64{float64(animMargin + a.PadW()*animCell + animGap), float64(animMargin + (rows-a.Out.H)*animCell/2)}
	_, out := d.maps(t, "pad", "", inAt, outAt, 5, 4, wy.Out, wx.Out)
	readBack(t, "pad output", out, a.Out.Scale, naiveContribution(l, x, 0, 0))
}

// fashionSamples reads the first n Fashion-MNIST test pictures when the
// dataset is installed, for measurements on real pictures.
func fashionSamples(tb testing.TB, m *engine.Model, n int) []Sample {
	tb.Helper()
	f, err := os.Open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
	if err != nil {
		tb.Skip("Fashion-MNIST is not installed:", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	buf := make([]byte, 16+n*28*28)
	if _, err := io.ReadFull(z, buf); err != nil {
		tb.Fatal(err)
	}
	var out []Sample
	for i := 0; i < n; i++ {
		x := engine.NewTensor(28, 28, 1)
		for j := range x.Data {
			x.Data[j] = float32(buf[16+i*784+j]) * m.Input.Scale
		}
		tr, err := m.Forward(x)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, Sample{ID: fmt.Sprintf("s%02d", i), Trace: tr})
	}
	return out
}

// tinyVGG28 is the project's TinyVGG for Fashion-MNIST with seeded weights.
func tinyVGG28(tb testing.TB) *engine.Model {
	tb.Helper()
	m, err := train.TinyVGG("tinyvgg", train.TinyVGGArch())
	if err != nil {
		tb.Fatal(err)
	}
	if err := train.Init(m, 1); err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchmarkAnimations draws every animation bundle of 13 Fashion-MNIST
// pictures through a 28x28 TinyVGG and reports their total size, the
// figure docs/figures.md quotes.
func BenchmarkAnimations(b *testing.B) {
	m := tinyVGG28(b)
	benchAnimations(b, m, fashionSamples(b, m, 13))
}

// BenchmarkAnimationsCNNExplainer does the same for CNN Explainer's model
// and its ten samples.
func BenchmarkAnimationsCNNExplainer(b *testing.B) {
	m, samples := loadAnchor(b, len(anchorImages))
	benchAnimations(b, m, samples)
}

// benchAnimations reports bytes per kind (conv, relu, pool), the embedded
// PNG bytes among them, and the total gzipped, as a server that
// compresses SVG (GitHub Pages does) sends them.
func benchAnimations(b *testing.B, m *engine.Model, samples []Sample) {
	jobs, err := planAnimations(m, samples)
	if err != nil {
		b.Fatal(err)
	}
	files := make([][]byte, len(jobs))
	for b.Loop() {
		for i, j := range jobs {
			if files[i], err = j.Draw(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	png := regexp.MustCompile(`href="data:image/png;base64,[^"]*"`)
	kinds := map[FigureKind]string{KindConvAnim: "conv-B", KindReLUAnim: "relu-B", KindPoolAnim: "pool-B"}
	byKind := map[string]int{}
	var total, zipped, pngs, anims int
	for i, data := range files {
		var buf bytes.Buffer
		z := gzip.NewWriter(&buf)
		z.Write(data)
		z.Close()
		zipped += buf.Len()
		total += len(data)
		byKind[kinds[jobs[i].Figure.Kind]] += len(data)
		for _, m := range png.FindAll(data, -1) {
			pngs += len(m)
		}
		anims += 1 + len(jobs[i].Also)
	}
	b.ReportMetric(float64(len(jobs)), "files")
	b.ReportMetric(float64(anims), "animations")
	b.ReportMetric(float64(total), "B")
	for _, name := range kinds {
		b.ReportMetric(float64(byKind[name]), name)
	}
	b.ReportMetric(float64(pngs), "png-B")
	b.ReportMetric(float64(zipped), "gzip-B")
	b.ReportMetric(float64(total)/float64(anims), "B/animation")
}

// randomAnim is a small valued animation for frame tests.
func randomAnim(seed uint64, inH, inW, k, s, pad int) *Anim {
	rng := rand.New(rand.NewPCG(seed, 9))
	vals := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()*2 - 1
		}
		return v
	}
	oh, ow := (inH+2*pad-k)/s+1, (inW+2*pad-k)/s+1
	return &Anim{Kind: KindConvAnim, In: Grid{H: inH, W: inW, Values: vals(inH * inW), Scale: ActivationScale(1)},
		Out: Grid{H: oh, W: ow, Values: vals(oh * ow), Scale: ActivationScale(0.5)},
		Top: pad, Left: pad, Bottom: pad, Right: pad, KH: k, KW: k, SH: s, SW: s, StepMS: animStepMS}
}

func writeDebug(t *testing.T, name string, data []byte) {
	if dir := os.Getenv("RENDER_DEBUG_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Log(err)
		}
	}
}

// TestStripPNG checks that a strip decodes to its own colours whichever
// encoding wins, and that a smooth strip takes the filtered one.
func TestStripPNG(t *testing.T) {
	pal := ActivationScale(1).Palette()
	rng := rand.New(rand.NewPCG(3, 4))
	smooth := image.NewPaletted(image.Rect(0, 0, 28, 56), pal)
	noisy := image.NewPaletted(image.Rect(0, 0, 5, 3), pal[:7])
	for i := range smooth.Pix {
		x, y := i%28, i/28
		smooth.Pix[i] = uint8((x*5 + y*3) % 256)
	}
	for i := range noisy.Pix {
		noisy.Pix[i] = uint8(rng.IntN(7))
	}
	// Cells left transparent (index 0) on a smooth strip: the filtered
	// file needs the transparency chunk.
	clearPal := append(color.Palette{color.NRGBA{}}, pal[1:]...)
	clear := image.NewPaletted(smooth.Rect, clearPal)
	for i, v := range smooth.Pix {
		if i%28 >= 10 {
			clear.Pix[i] = v
		}
	}
	for name, img := range map[string]*image.Paletted{"smooth": smooth, "noisy": noisy, "clear": clear} {
		data, err := stripPNG(img)
		if err != nil {
			t.Fatal(err)
		}
		back, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if back.Bounds() != img.Bounds() {
			t.Fatalf("%s: bounds %v, want %v", name, back.Bounds(), img.Bounds())
		}
		for y := 0; y < img.Rect.Dy(); y++ {
			for x := 0; x < img.Rect.Dx(); x++ {
				r1, g1, b1, a1 := back.At(x, y).RGBA()
				r2, g2, b2, a2 := img.At(x, y).RGBA()
				if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
					t.Fatalf("%s: pixel (%d, %d) decodes to another colour", name, x, y)
				}
			}
		}
		plain, _ := encodePNG(img)
		if len(data) > len(plain) {
			t.Errorf("%s: %d bytes, the plain encoding has %d", name, len(data), len(plain))
		}
		if name != "noisy" && len(data) == len(plain) {
			t.Errorf("%s strip: the filtered encoding did not win (%d bytes)", name, len(data))
		}
	}
}

func memberIndex(d svgDoc, id string) int {
	for i, g := range d.groups {
		if g.id == id {
			return i
		}
	}
	return -1
}
