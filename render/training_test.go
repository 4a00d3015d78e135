package render

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine/train"
)

// testHistory is a three-epoch run of testModel with figures and
// snapshots at epochs 0..3 (0 is the untrained model): the first
// convolution's weights drift by a known amount per epoch.
func testHistory(t *testing.T) *train.History {
	t.Helper()
	m := testModel(t)
	h := &train.History{Model: m.Name, Classes: m.Classes,
		Confusion: [][]int{{50, 3, 0}, {7, 40, 3}, {0, 0, 0}}}
	for e := 0; e <= 3; e++ {
		h.Epochs = append(h.Epochs, train.EpochStats{Epoch: e, TrainLoss: 1.5 / float64(e+1), TestLoss: 1.7 / float64(e+1),
			TrainAccuracy: 0.4 + 0.1*float64(e), TestAccuracy: 0.35 + 0.1*float64(e)})
	}
	for e := 0; e <= 3; e++ {
		s := train.Snapshot{Epoch: e}
		for _, l := range m.Layers {
			for _, p := range l.Params() {
				data := make([]float32, len(p.Data))
				for i, v := range p.Data {
					data[i] = v * (1 + 0.25*float32(e))
				}
				s.Params = append(s.Params, train.ParamSnapshot{Layer: l.Name(), Name: p.Name, Shape: p.Shape, Data: data})
			}
		}
		h.Snapshots = append(h.Snapshots, s)
	}
	return h
}

func trainingJobs(t *testing.T, h *train.History) map[string]job {
	t.Helper()
	jobs, err := planTraining(h)
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]job{}
	for _, j := range jobs {
		byFile[j.Figure.File] = j
	}
	return byFile
}

func drawJob(t *testing.T, j job) []byte {
	t.Helper()
	data, err := j.Draw()
	if err != nil {
		t.Fatalf("%s: %v", j.Figure.File, err)
	}
	return data
}

// TestCurvesReadBack reads every marker of the loss and accuracy charts
// back through the axis ticks and compares it with the history.
func TestCurvesReadBack(t *testing.T) {
	h := testHistory(t)
	jobs := trainingJobs(t, h)
	for _, c := range []struct {
		file      string
		train     func(train.EpochStats) float64
		test      func(train.EpochStats) float64
		tickScale float64
	}{
		{"t/loss.svg", func(e train.EpochStats) float64 { return e.TrainLoss }, func(e train.EpochStats) float64 { return e.TestLoss }, 1},
		{"t/accuracy.svg", func(e train.EpochStats) float64 { return e.TrainAccuracy }, func(e train.EpochStats) float64 { return e.TestAccuracy }, 100},
	} {
		j, ok := jobs[c.file]
		if !ok {
			t.Fatalf("no %s", c.file)
		}
		data := drawJob(t, j)
		ch := readChart(t, c.file, data)
		// Tick labels and their y positions give the axis: value =
		// label/tickScale at that y.
		if len(ch.ticks) < 2 {
			t.Fatalf("%s: %d y ticks", c.file, len(ch.ticks))
		}
		a, b := ch.ticks[0], ch.ticks[len(ch.ticks)-1]
		valueAt := func(y float64) float64 {
			return (a.label + (y-a.y)/(b.y-a.y)*(b.label-a.label)) / c.tickScale
		}
		for name, get := range map[string]func(train.EpochStats) float64{"cnnx-train": c.train, "cnnx-test": c.test} {
			pts := ch.markers[name]
			if len(pts) != len(h.Epochs) {
				t.Fatalf("%s: %s has %d markers for %d epochs", c.file, name, len(pts), len(h.Epochs))
			}
			for i, e := range h.Epochs {
				if got := valueAt(pts[i]); math.Abs(got-get(e)) > 0.002*math.Abs(b.label-a.label)/c.tickScale+1e-3 {
					t.Errorf("%s: %s epoch %d reads %v, history %v", c.file, name, e.Epoch, got, get(e))
				}
			}
		}
		if strings.Join(ch.xLabels, " ") != "0 1 2 3" {
			t.Errorf("%s: epoch ticks %v", c.file, ch.xLabels)
		}
	}
}

// TestCurvesAxisFromZero: the x axis starts at epoch 0, where the first
// point of a history with epoch 0 sits on the y axis, and a history
// written before epoch 0 was recorded starts one epoch in.
func TestCurvesAxisFromZero(t *testing.T) {
	for _, c := range []struct {
		name       string
		from       int
		wantLabels string
		wantFirstX float64
	}{
		{"with epoch 0", 0, "0 1 2 3", chartLeft},
		{"from epoch 1", 1, "0 1 2 3", chartLeft + (chartW-chartLeft-chartRight)/3.0},
	} {
		h := testHistory(t)
		h.Epochs = h.Epochs[c.from:]
		ch := newCurves(h, false)
		data, err := ch.SVG()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(readChart(t, c.name, data).xLabels, " "); got != c.wantLabels {
			t.Errorf("%s: epoch ticks %q, want %q", c.name, got, c.wantLabels)
		}
		if got := ch.x(h.Epochs[0].Epoch); math.Abs(got-c.wantFirstX) > 1e-9 {
			t.Errorf("%s: first point at x %v, want %v", c.name, got, c.wantFirstX)
		}
	}
}

type tick struct{ label, y float64 }

type chart struct {
	ticks   []tick
	xLabels []string
	markers map[string][]float64 // series class -> marker centre y
}

func readChart(t *testing.T, name string, data []byte) chart {
	t.Helper()
	c := chart{markers: map[string][]float64{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var class string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := map[string]float64{}
		var anchor string
		for _, a := range e.Attr {
			attr[a.Name.Local], _ = strconv.ParseFloat(a.Value, 64)
			if a.Name.Local == "class" {
				class = a.Value
			}
			if a.Name.Local == "text-anchor" {
				anchor = a.Value
			}
		}
		switch e.Name.Local {
		case "text":
			var s string
			if err := dec.DecodeElement(&s, &e); err != nil {
				t.Fatal(err)
			}
			if anchor == "end" {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("%s: tick %q", name, s)
				}
				c.ticks = append(c.ticks, tick{v, attr["y"]})
			} else {
				c.xLabels = append(c.xLabels, s)
			}
		// Tick labels sit 4 units below their line; put marker centres
		// on the same footing.
		case "circle":
			c.markers[class] = append(c.markers[class], attr["cy"]+4)
		case "rect":
			c.markers[class] = append(c.markers[class], attr["y"]+3+4)
		}
	}
	return c
}

func TestConfusionMatrix(t *testing.T) {
	h := testHistory(t)
	j := trainingJobs(t, h)["t/confusion.svg"]
	data := drawJob(t, j)
	sc, err := NewScale(Oranges, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var fills []string
	var counts []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := tok.(xml.StartElement); ok {
			for _, a := range e.Attr {
				if e.Name.Local == "rect" && a.Name.Local == "fill" {
					fills = append(fills, a.Value)
				}
			}
			if e.Name.Local == "text" {
				var s string
				if err := dec.DecodeElement(&s, &e); err != nil {
					t.Fatal(err)
				}
				counts = append(counts, s)
			}
		}
	}
	n := len(h.Confusion)
	// Class indices on both axes, then the counts row by row.
	if len(counts) != 2*n+n*n || len(fills) != n*n {
		t.Fatalf("%d texts and %d cells for %d classes", len(counts), len(fills), n)
	}
	for r, row := range h.Confusion {
		total := 0
		for _, v := range row {
			total += v
		}
		for p, v := range row {
			i := r*n + p
			if counts[2*n+i] != strconv.Itoa(v) {
				t.Errorf("cell (%d,%d) says %s, history %d", r, p, counts[2*n+i], v)
			}
			want := 0.0
			if total > 0 {
				want = float64(v) / float64(total)
			}
			if got := sc.Value(mustHex(fills[i])); math.Abs(float64(got)-want) > 1.0/(Steps-1) {
				t.Errorf("cell (%d,%d) colour reads %v, share %v", r, p, got, want)
			}
		}
	}
	if j.Figure.Scale != Oranges || j.Figure.Range != [2]float32{0, 1} {
		t.Errorf("confusion figure %+v", j.Figure)
	}
	if _, err := newConfusion([][]int{{1, 2}, {3}}); err == nil {
		t.Error("ragged confusion matrix accepted")
	}
}

// TestKernelHistory checks every kernel PNG per epoch, the grid and the
// values file against the snapshots.
func TestKernelHistory(t *testing.T) {
	h := testHistory(t)
	jobs := trainingJobs(t, h)
	snap0 := h.Snapshots[0].Param("conv_1_1", "kernel")
	kh, kw, in, out := snap0.Shape[0], snap0.Shape[1], snap0.Shape[2], snap0.Shape[3]
	var vj job
	for _, j := range jobs {
		if j.Figure.Kind == KindKernelHistoryV {
			vj = j
		}
	}
	var kv KernelHistoryValues
	if err := json.Unmarshal(drawJob(t, vj), &kv); err != nil {
		t.Fatal(err)
	}
	if kv.Layer != "conv_1_1" || len(kv.Kernels) != in*out || len(kv.Epochs) != 4 {
		t.Fatalf("values file: layer %s, %d kernels, epochs %v", kv.Layer, len(kv.Kernels), kv.Epochs)
	}
	grid := decodeBytes(t, drawJob(t, jobs["t/kernels/conv_1_1/grid.png"]))
	// One range for the layer at every epoch, so that a kernel with small
	// weights also looks weak: the largest weight of any snapshot.
	var m float32
	for _, snap := range h.Snapshots {
		m = max(m, maxAbs(snap.Param("conv_1_1", "kernel").Data))
	}
	if g := jobs["t/kernels/conv_1_1/grid.png"].Figure; g.Range != [2]float32{-m, m} || g.Mode != 0 {
		t.Fatalf("grid: range %v mode %q, want ±%v for the layer", g.Range, g.Mode, m)
	}
	for _, snap := range h.Snapshots {
		p := snap.Param("conv_1_1", "kernel")
		for o := 0; o < out; o++ {
			for c := 0; c < in; c++ {
				j, ok := jobs[KernelEpochFile("conv_1_1", o, c, snap.Epoch)]
				if !ok {
					t.Fatalf("no kernel %d/%d at epoch %d", o, c, snap.Epoch)
				}
				if j.Figure.Range != [2]float32{-m, m} || j.Figure.Params["epoch"] != snap.Epoch {
					t.Fatalf("kernel %d/%d epoch %d: range %v, want ±%v", o, c, snap.Epoch, j.Figure.Range, m)
				}
				sc := WeightScale(m)
				img := decodeBytes(t, drawJob(t, j))
				col := o*in + c
				for ky := 0; ky < kh; ky++ {
					for kx := 0; kx < kw; kx++ {
						want := p.Data[((ky*kw+kx)*in+c)*out+o]
						tol := float64(m) / (Steps - 1)
						if got := sc.Value(img.At(kx, ky)); math.Abs(float64(got-want)) > tol {
							t.Fatalf("kernel %d/%d epoch %d (%d,%d): PNG reads %v, snapshot %v", o, c, snap.Epoch, ky, kx, got, want)
						}
						if got := sc.Value(grid.At(col*(kw+1)+kx, snap.Epoch*(kh+1)+ky)); math.Abs(float64(got-want)) > tol {
							t.Fatalf("grid kernel %d/%d epoch %d (%d,%d) reads %v, snapshot %v", o, c, snap.Epoch, ky, kx, got, want)
						}
						if kv.Kernels[col].Values[snap.Epoch][ky*kw+kx] != want {
							t.Fatalf("values file kernel %d/%d epoch %d differs", o, c, snap.Epoch)
						}
					}
				}
			}
		}
	}
}

func decodeBytes(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestTrainingWithoutTestSetOrSnapshots(t *testing.T) {
	h := &train.History{Model: "m", Epochs: []train.EpochStats{{Epoch: 1, TrainLoss: 2, TrainAccuracy: 0.3}}}
	jobs := trainingJobs(t, h)
	if len(jobs) != 2 {
		t.Fatalf("%d figures for a history with curves only", len(jobs))
	}
	ch := readChart(t, "loss", drawJob(t, jobs["t/loss.svg"]))
	if len(ch.markers["cnnx-train"]) != 1 || len(ch.markers["cnnx-test"]) != 0 {
		t.Errorf("markers %v", ch.markers)
	}
	if js, err := planTraining(nil); err != nil || len(js) != 0 {
		t.Errorf("nil history planned %d figures, %v", len(js), err)
	}
	if _, err := planTraining(&train.History{Model: "m"}); err == nil {
		t.Error("history without epochs accepted")
	}
	bad := testHistory(t)
	bad.Snapshots[2].Params[0].Data = bad.Snapshots[2].Params[0].Data[:3]
	if _, err := planTraining(bad); err == nil || !strings.Contains(err.Error(), "epoch 2") {
		t.Errorf("short snapshot: %v", err)
	}
}

// TestRenderWithHistory renders everything with a history, twice with
// different worker counts: every kind appears, the training figures come
// out byte for byte the same, and their SVG text is numbers only.
func TestRenderWithHistory(t *testing.T) {
	m := testModel(t)
	samples := testSamples(t, m, 1)
	h := testHistory(t)
	var trees []map[string][]byte
	var man *Manifest
	for _, workers := range []int{1, 2} {
		dir := t.TempDir()
		var err error
		man, err = Render(context.Background(), m, samples, h, dir, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		trees = append(trees, readTree(t, dir))
	}
	for _, kind := range []FigureKind{KindLossCurve, KindAccuracyCurve, KindKernelEpoch, KindKernelHistory, KindKernelHistoryV,
		KindConfusion, KindConvAnim, KindReLUAnim, KindPoolAnim, KindPlayground} {
		if len(man.Filter(func(f Figure) bool { return f.Kind == kind })) == 0 {
			t.Errorf("no %s figure rendered", kind)
		}
	}
	// Legends: the confusion scale and the kernel history's one range.
	if _, ok := man.Lookup(LegendFile(Oranges, [2]float32{0, 1})); !ok {
		t.Error("no legend for the confusion matrix")
	}
	for _, g := range man.Filter(func(f Figure) bool { return f.Kind == KindKernelHistory }) {
		if _, ok := man.Lookup(LegendFile(g.Scale, g.Range)); !ok {
			t.Errorf("no legend for the kernel history %s over %v", g.File, g.Range)
		}
	}
	for _, f := range man.Filter(func(f Figure) bool { return f.Kind == KindLegend }) {
		if f.Range[0] == -0.5 && f.Range[1] == 0.5 {
			t.Errorf("legend %s for an empty range", f.File)
		}
	}
	number := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	for _, f := range man.Filter(func(f Figure) bool { return strings.HasPrefix(f.File, "t/") }) {
		data := trees[0][f.File]
		if !bytes.Equal(data, trees[1][f.File]) {
			t.Errorf("%s differs between renders", f.File)
		}
		if !strings.HasSuffix(f.File, ".svg") {
			continue
		}
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.File, err)
			}
			if cd, ok := tok.(xml.CharData); ok {
				if s := strings.TrimSpace(string(cd)); s != "" && !number.MatchString(s) {
					t.Errorf("%s: text %q is not a number", f.File, s)
				}
			}
		}
	}
}

// TestInkContrast checks that a number written on any colour of the
// confusion scale reaches WCAG AA contrast (4.5:1).
func TestInkContrast(t *testing.T) {
	sc, err := NewScale(Oranges, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range sc.Palette() {
		bg := luminance(color.NRGBAModel.Convert(c).(color.NRGBA))
		fg := 0.0
		if Ink(color.NRGBAModel.Convert(c).(color.NRGBA)) == "#fff" {
			fg = 1
		}
		hi, lo := math.Max(bg, fg), math.Min(bg, fg)
		if r := (hi + 0.05) / (lo + 0.05); r < 4.5 {
			t.Errorf("palette entry %d: contrast %.2f", i, r)
		}
	}
}
