package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/render"
	sitepkg "cnnexplainer/site"
	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// tryRelTol bounds the browser engine's difference from the native one,
// relative to the largest |value| of the layer: the browser has no FMA and
// no AVX2 kernels, so sums are rounded at other points (see
// docs/performance.md for the measured differences).
const tryRelTol = 1e-5

// reference is the native engine's view of the committed samples.
type reference struct {
	m      *engine.Model
	set    *sitepkg.SampleSet
	traces map[string]*engine.Trace
}

func loadReference(t *testing.T) *reference {
	t.Helper()
	dir := sitetest.Samples(t)
	m, err := modelfile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := sitepkg.LoadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := &reference{m: m, set: set, traces: map[string]*engine.Trace{}}
	for _, s := range set.Samples {
		x, err := imageio.Load(filepath.Join(dir, s.File), m.Input)
		if err != nil {
			t.Fatal(err)
		}
		if r.traces[s.ID], err = m.Forward(x); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// startTry clicks the panel's button and waits for the first result (the
// empty canvas), returning the milliseconds from click to result.
func startTry(t *testing.T, ctx context.Context, u string) float64 {
	t.Helper()
	open(t, ctx, u)
	return eval[float64](t, ctx, `new Promise(function (done, fail) {
		var sec = document.querySelector(".try"), t0 = performance.now();
		if (!sec || sec.hidden) return fail(new Error("no visible try panel"));
		sec.querySelector(".try-start").click();
		(function look() {
			var r = sec.querySelector(".try-result");
			if (r && !r.hidden) return done(performance.now() - t0);
			if (performance.now() - t0 > 60000) return fail(new Error("no result: " + sec.querySelector(".try-status").textContent));
			setTimeout(look, 20);
		})();
	})`)
}

func TestTryYourOwnPicture(t *testing.T) {
	base, out := site(t)
	ref := loadReference(t)
	for _, mode := range []struct{ name, home string }{
		{"served", base + "index.html"},
		{"disk", "file://" + filepath.Join(out, "index.html")},
	} {
		t.Run(mode.name, func(t *testing.T) {
			ctx := browser(t)
			w := newWatch(t, ctx, base)
			ms := startTry(t, ctx, mode.home)
			t.Logf("%s: click to first result %.0f ms", mode.name, ms)
			checkEveryLayer(t, ctx, ref)
			logRunTime(t, ctx, filepath.Join(ref.set.Dir, "images", "bag.png"))
			checkUpload(t, ctx, ref)
			checkConvDetail(t, ctx, ref, "bag")
			checkStroke(t, ctx, ref)
			for _, p := range w.take() {
				t.Errorf("%s: %s", mode.name, p)
			}
		})
	}
}

// runSample runs a committed picture through the browser engine as an
// upload would (runImage: the same imageio code) and returns the input and
// the outputs of the model's n layers.
func runSample(t *testing.T, ctx context.Context, file string, n int) [][]float64 {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return eval[[][]float64](t, ctx, `(function () {
		var bin = atob("`+base64.StdEncoding.EncodeToString(data)+`"), u = new Uint8Array(bin.length);
		for (var i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
		var e = cnnTryEngine, r = e.runImage(u), out = [];
		if (r.error) throw new Error(r.error);
		for (var l = -1; l < `+strconv.Itoa(n)+`; l++) out.push(Array.from(e.layerData(l)));
		return out;
	})()`)
}

// checkEveryLayer compares the input and every layer of every committed
// sample with the native trace.
func checkEveryLayer(t *testing.T, ctx context.Context, ref *reference) {
	t.Helper()
	var worst float64
	worstAt := ""
	for _, s := range ref.set.Samples {
		got := runSample(t, ctx, filepath.Join(ref.set.Dir, s.File), len(ref.m.Layers))
		tr := ref.traces[s.ID]
		for l := -1; l < len(ref.m.Layers); l++ {
			want, name := tr.Input, "input"
			if l >= 0 {
				want, name = tr.Layers[l].Output, tr.Layers[l].Name
			}
			if len(got[l+1]) != len(want.Data) {
				t.Fatalf("%s %s: %d values in the browser, %d native", s.ID, name, len(got[l+1]), len(want.Data))
			}
			scale := float64(want.MaxAbs())
			if scale == 0 {
				scale = 1
			}
			for i, v := range want.Data {
				d := math.Abs(got[l+1][i]-float64(v)) / scale
				if d > worst {
					worst, worstAt = d, fmt.Sprintf("%s %s[%d]: browser %g, native %g", s.ID, name, i, got[l+1][i], v)
				}
				if d > tryRelTol {
					t.Fatalf("%s %s[%d]: browser %g, native %g (%.2g of the layer's largest |value|)", s.ID, name, i, got[l+1][i], v, d)
				}
			}
		}
	}
	t.Logf("%d samples, every layer: largest difference %.3g of the layer's largest |value| (%s)", len(ref.set.Samples), worst, worstAt)
}

// within reports whether a number the page printed with 3 decimals (or a
// percentage with 1) stands for v.
func within(t *testing.T, what, text string, v, tol float64) {
	t.Helper()
	got, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(text), "%"), 64)
	if err != nil || math.Abs(got-v) > tol {
		t.Errorf("%s: the page shows %q, the engine computed %g", what, text, v)
	}
}

// checkUpload uploads a committed PNG through the file input and checks
// the class bars and one map of the overview against the native engine.
func checkUpload(t *testing.T, ctx context.Context, ref *reference) {
	t.Helper()
	file, _ := filepath.Abs(filepath.Join(ref.set.Dir, "images", "bag.png"))
	before := eval[string](t, ctx, `document.querySelector(".try-pred").textContent`)
	do(t, ctx, "upload", chromedp.SetUploadFiles("input.try-file", []string{file}))
	eval[bool](t, ctx, `new Promise(function (done) {
		(function look() { if (document.querySelector(".try-pred").textContent !== `+jsString(before)+`) return done(true); setTimeout(look, 20); })();
	})`)
	tr := ref.traces["bag"]
	pcts := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".try-bar .pct")).map(function (e) { return e.textContent; })`)
	if len(pcts) != len(tr.Probs) {
		t.Fatalf("upload: %d class bars, the model has %d classes", len(pcts), len(tr.Probs))
	}
	for k, p := range tr.Probs {
		within(t, "upload: class "+ref.m.Classes[k], pcts[k], 100*float64(p), 0.051)
	}
	want := 0
	for _, l := range tr.Layers {
		if sh := l.Output.Shape; len(sh) == 3 {
			want += sh[2]
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".try-ov .try-nb img").length`); n != want {
		t.Errorf("upload: the overview shows %d maps, the model has %d", n, want)
	}
	checkMap(t, ctx, ref, tr, 2, 3)
}

// checkMap reads back the overview's picture of neuron n of layer li and
// checks each pixel's colour against the native value on render's scale:
// the same value, give or take one of the scale's 256 steps.
func checkMap(t *testing.T, ctx context.Context, ref *reference, tr *engine.Trace, li, n int) {
	t.Helper()
	b64 := eval[string](t, ctx, `(function () {
		var img = document.querySelector('.try-nb[data-layer="`+strconv.Itoa(li)+`"][data-n="`+strconv.Itoa(n)+`"] img');
		return fetch(img.src).then(function (r) { return r.arrayBuffer(); }).then(function (b) {
			var u = new Uint8Array(b), s = "";
			for (var i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
			return btoa(s);
		});
	})()`)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("overview map %d/%d: %v", li, n, err)
	}
	ranges, err := render.NewRanges(ref.m, tr)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ranges.Scale(render.Unit, ref.m.Layers[li].Name(), n)
	if err != nil {
		t.Fatal(err)
	}
	out, step := tr.Layers[li].Output, float64(sc.Hi-sc.Lo)/(render.Steps-1)
	if b := img.Bounds(); b.Dx() != out.W() || b.Dy() != out.H() {
		t.Fatalf("overview map %d/%d is %v, the layer is %v", li, n, b, out.Shape)
	}
	for y := 0; y < out.H(); y++ {
		for x := 0; x < out.W(); x++ {
			v := float64(out.At(y, x, n))
			v = math.Max(float64(sc.Lo), math.Min(float64(sc.Hi), v))
			if got := float64(sc.Value(img.At(x, y))); math.Abs(got-v) > step*1.01 {
				t.Fatalf("overview map %s/%d at (%d, %d): colour stands for %g, the value is %g", ref.m.Layers[li].Name(), n, y, x, got, v)
			}
		}
	}
}

// checkConvDetail opens the detail of the first convolution neuron and
// checks the position's inputs, terms and output against the trace.
func checkConvDetail(t *testing.T, ctx context.Context, ref *reference, id string) {
	t.Helper()
	type view struct {
		Pos            string
		Out, Sum, Bias string
		Dots           []string
		Window         []string
	}
	v := eval[view](t, ctx, `(function () {
		document.querySelector('.try-nb[data-layer="0"][data-n="1"]').click();
		var d = document.querySelector(".try-detail"), q = function (s) { return (d.querySelector(s) || {}).textContent || ""; };
		return { Pos: q(".try-pos"), Out: q(".try-out-v"), Sum: q(".try-sum"), Bias: q(".try-bias"),
			Dots: Array.from(d.querySelectorAll(".try-dot")).map(function (e) { return e.textContent; }),
			Window: Array.from(d.querySelectorAll('tr[data-channel="0"] .try-window td')).map(function (e) { return e.textContent; }) };
	})()`)
	l, ok := ref.m.Layers[0].(*engine.Conv2D)
	if !ok {
		t.Skip("the model's first layer is not a convolution")
	}
	var y, x int
	if i := strings.LastIndex(v.Pos, "("); i < 0 {
		t.Fatalf("conv detail: no position in %q", v.Pos)
	} else if _, err := fmt.Sscanf(v.Pos[i:], "(%d, %d)", &y, &x); err != nil {
		t.Fatalf("conv detail: position %q: %v", v.Pos, err)
	}
	tr := ref.traces[id]
	out := float64(tr.Layers[0].Output.At(y, x, 1))
	within(t, "conv detail output", v.Out, out, 0.0011)
	within(t, "conv detail bias", v.Bias, float64(l.Bias[1]), 0.0011)
	if l.Act == engine.Linear {
		within(t, "conv detail sum", v.Sum, out, 0.0011)
	}
	if len(v.Dots) != l.InC {
		t.Errorf("conv detail: %d channel terms, the layer has %d input channels", len(v.Dots), l.InC)
	}
	wy, wx, _ := l.Windows(tr.Input.Shape)
	if len(v.Window) != l.KH*l.KW {
		t.Fatalf("conv detail: window of %d values, kernel is %dx%d", len(v.Window), l.KH, l.KW)
	}
	for ky := 0; ky < l.KH; ky++ {
		for kx := 0; kx < l.KW; kx++ {
			iy, ix := y*l.StrideH+ky-wy.Before, x*l.StrideW+kx-wx.Before
			var in float64
			if iy >= 0 && iy < wy.In && ix >= 0 && ix < wx.In {
				in = float64(tr.Input.At(iy, ix, 0))
			}
			within(t, fmt.Sprintf("conv detail window (%d, %d)", ky, kx), v.Window[ky*l.KW+kx], in, 0.0011)
		}
	}
}

// checkStroke draws one stroke with synthetic pointer events and checks
// that the page's input and prediction are the native engine's for the
// canvas as drawn.
func checkStroke(t *testing.T, ctx context.Context, ref *reference) {
	t.Helper()
	eval[bool](t, ctx, `(document.querySelector(".try-canvas").scrollIntoView({block: "center"}), true)`)
	r := eval[[]float64](t, ctx, `(function () { var r = document.querySelector(".try-canvas").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
	x0, y0, w, h := r[0], r[1], r[2], r[3]
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0+w*0.3, y0+h*0.2, chromedp.ButtonLeft)}
	for i := 1; i <= 12; i++ {
		f := float64(i) / 12
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+w*(0.3+0.4*f), y0+h*(0.2+0.6*f), chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x0+w*0.7, y0+h*0.8, chromedp.ButtonLeft))
	do(t, ctx, "draw a stroke", steps...)
	type drawn struct {
		PNG   string
		Input []float64
		Probs []float64
	}
	d := eval[drawn](t, ctx, `new Promise(function (done) { setTimeout(function () {
		var e = cnnTryEngine, c = document.querySelector(".try-canvas");
		var pcts = Array.from(document.querySelectorAll(".try-bar .pct")).map(function (p) { return parseFloat(p.textContent) / 100; });
		done({ PNG: c.toDataURL("image/png").split(",")[1], Input: Array.from(e.layerData(-1)), Probs: pcts });
	}, 400); })`)
	data, _ := base64.StdEncoding.DecodeString(d.PNG)
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	x := imageio.FromImage(img, ref.m.Input)
	tr, err := ref.m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if x.MaxAbs() == 0 {
		t.Fatal("stroke: the input the network sees is empty")
	}
	for i, v := range x.Data {
		if math.Abs(d.Input[i]-float64(v)) > 1e-6 {
			t.Fatalf("stroke: input[%d] is %g in the browser, %g natively", i, d.Input[i], v)
		}
	}
	for k, p := range tr.Probs {
		if math.Abs(d.Probs[k]-float64(p)) > 0.00051 {
			t.Errorf("stroke: class %d shows %.3f, the engine computed %.4f", k, d.Probs[k], p)
		}
	}
}

// logRunTime measures what one upload costs in the browser engine (decode,
// preprocess, forward, ranges), the number docs/performance.md compares
// with BenchmarkRunImage in cmd/wasm.
func logRunTime(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ms := eval[float64](t, ctx, `(function () {
		var bin = atob("`+base64.StdEncoding.EncodeToString(data)+`"), u = new Uint8Array(bin.length);
		for (var i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
		for (var k = 0; k < 5; k++) cnnTryEngine.runImage(u);
		var t0 = performance.now(), n = 50;
		for (var k = 0; k < n; k++) cnnTryEngine.runImage(u);
		return (performance.now() - t0) / n;
	})()`)
	t.Logf("browser engine: %.2f ms per run of %s (decode, preprocess, forward, ranges)", ms, filepath.Base(file))
}

// The ReLU, max-pool and dense (class) details print the trace's values.
func TestTryOtherDetails(t *testing.T) {
	base, _ := site(t)
	ref := loadReference(t)
	ctx := browser(t)
	startTry(t, ctx, base+"index.html")
	runSample(t, ctx, filepath.Join(ref.set.Dir, "images", "sneaker.png"), 0)
	eval[bool](t, ctx, `(document.querySelector(".try-modes input[value=module]").click(), true)`) // redraws from the new trace
	tr := ref.traces["sneaker"]
	for li, l := range ref.m.Layers {
		kind := l.Kind()
		if kind != engine.KindReLU && kind != engine.KindMaxPool2D && kind != engine.KindDense {
			continue
		}
		sel := `.try-nb[data-layer="` + strconv.Itoa(li) + `"][data-n="1"]`
		if kind == engine.KindDense {
			sel = `.try-bar[data-n="1"]`
		}
		v := eval[[]string](t, ctx, `(function () {
			document.querySelector('`+sel+`').click();
			var d = document.querySelector(".try-detail");
			return [d.querySelector(".try-pos").textContent, d.querySelector(".try-out-v").textContent];
		})()`)
		out := tr.Layers[li].Output
		want := float64(out.Data[1])
		if len(out.Shape) == 3 {
			var y, x int
			if _, err := fmt.Sscanf(v[0][strings.LastIndex(v[0], "("):], "(%d, %d)", &y, &x); err != nil {
				t.Fatalf("%s detail: position %q: %v", l.Name(), v[0], err)
			}
			want = float64(out.At(y, x, 1))
		}
		within(t, l.Name()+" detail output", v[1], want, 0.0011)
	}
}
