package site

import (
	"fmt"
	"html/template"
	"strconv"

	"cnnexplainer/render"
)

// TrainingView is what the training figures add to their pictures: words
// for the charts' axes and series, labels for the kernel history, and the
// confusion matrix as a table with class names.
type TrainingView struct {
	Charts    []ChartView
	HasTest   bool
	Kernels   *KernelHistoryView
	Confusion *ConfusionView
	Legend    Img // the colour scale of the kernel history or the confusion matrix
	// The series' colours, as render draws them, for the key.
	TrainColour, TestColour string
}

// ChartView is one curve chart with its y axis title.
type ChartView struct {
	Img
	YTitle string
}

// KernelHistoryView is the grid of kernels by epoch with its labels, each
// placed at the pitch the grid is drawn at.
type KernelHistoryView struct {
	Img
	Cols, Rows []AxisLabel
}

// AxisLabel is one label beside a picture.
type AxisLabel struct {
	Text  string
	Style template.CSS
}

// ConfusionView is the confusion matrix: rows true classes, columns
// predicted classes.
type ConfusionView struct {
	Classes []string
	Rows    []ConfusionRow
}

// ConfusionRow is one true class.
type ConfusionRow struct {
	Class string
	Cells []ConfusionCell
}

// ConfusionCell is one count, coloured by its share of the row.
type ConfusionCell struct {
	Count int
	Style template.CSS
	Title string
}

// curvesView finds the loss and accuracy charts.
func (v *views) curvesView(pc pageCtx) (*TrainingView, error) {
	tv := &TrainingView{TrainColour: render.TrainColour, TestColour: render.TestColour}
	for _, f := range v.figs.kinds("", render.KindLossCurve, render.KindAccuracyCurve) {
		title := pc.lang.T("figure.axis_loss")
		if f.Kind == render.KindAccuracyCurve {
			title = pc.lang.T("figure.axis_accuracy")
		}
		tv.Charts = append(tv.Charts, ChartView{Img: Img{Src: pc.rel(figURL(f)), W: f.Width, H: f.Height, Alt: pc.lang.T("alt." + string(f.Kind))}, YTitle: title})
		tv.HasTest = tv.HasTest || f.Params["series"] > 1
	}
	if len(tv.Charts) == 0 {
		return nil, missingFigure{"render made no curves figure for this model"}
	}
	return tv, nil
}

// kernelHistoryView places epoch and neuron labels around the grid, which
// is drawn at a whole multiple k of its size: a kernel is kh·k pixels
// high with a k-pixel gap below, and the kernels of one neuron (one per
// input channel) sit side by side.
func (v *views) kernelHistoryView(pc pageCtx, layer string) (*TrainingView, error) {
	figs := v.figs.kinds(layer, render.KindKernelHistory)
	if len(figs) == 0 {
		return nil, missingFigure{"render made no kernel-history figure for this model"}
	}
	f := figs[0]
	img := Img{Src: pc.rel(figURL(f)), W: f.Width, H: f.Height, Alt: pc.lang.T("alt." + string(f.Kind))}.Scaled(448)
	k := img.W / f.Width
	kh, kw, kernels := f.Params["kh"], f.Params["kw"], f.Params["kernels"]
	li := v.net.layerIndex(f.Layer)
	if li < 0 || kernels == 0 {
		return nil, fmt.Errorf("kernel history of unknown layer %q", f.Layer)
	}
	shape := v.net.Shapes[li+1]
	neurons := shape[len(shape)-1]
	per := kernels / neurons
	kv := &KernelHistoryView{Img: img}
	for n := 0; n < neurons; n++ {
		kv.Cols = append(kv.Cols, AxisLabel{Text: strconv.Itoa(n), Style: template.CSS(fmt.Sprintf("width:%dpx;padding-right:%dpx", per*(kw+1)*k, k))})
	}
	for _, s := range v.net.History.Snapshots {
		kv.Rows = append(kv.Rows, AxisLabel{Text: strconv.Itoa(s.Epoch), Style: template.CSS(fmt.Sprintf("height:%dpx;line-height:%dpx", (kh+1)*k, kh*k))})
	}
	if len(kv.Rows) != f.Params["epochs"] {
		return nil, fmt.Errorf("kernel history %s has %d epochs, the history %d snapshots", f.File, f.Params["epochs"], len(kv.Rows))
	}
	return &TrainingView{Kernels: kv, Legend: v.legendImg(pc, f.Scale, f.Range, "alt.legend_kernel")}, nil
}

// confusionView writes the test set's confusion matrix as a table, each
// count on the colour of its share of the row (the scale render used for
// the matrix, Oranges over 0 to 1).
func (v *views) confusionView(pc pageCtx) (*TrainingView, error) {
	h := v.net.History
	figs := v.figs.kinds("", render.KindConfusion)
	if len(h.Confusion) == 0 || len(figs) == 0 {
		return nil, missingFigure{"the training history has no confusion matrix"}
	}
	if len(h.Confusion) != len(v.net.Classes) {
		return nil, fmt.Errorf("the confusion matrix has %d rows for %d classes", len(h.Confusion), len(v.net.Classes))
	}
	sc, err := render.NewScale(render.Oranges, 0, 1)
	if err != nil {
		return nil, err
	}
	cv := &ConfusionView{}
	for _, c := range v.net.Classes {
		cv.Classes = append(cv.Classes, pc.lang.Class(c))
	}
	for t, row := range h.Confusion {
		total := 0
		for _, n := range row {
			total += n
		}
		r := ConfusionRow{Class: cv.Classes[t]}
		for p, n := range row {
			share := 0.0
			if total > 0 {
				share = float64(n) / float64(total)
			}
			col := sc.Color(float32(share))
			r.Cells = append(r.Cells, ConfusionCell{Count: n,
				Style: template.CSS("background:" + render.CSSColor(col) + ";color:" + render.Ink(col)),
				Title: pc.lang.Tf("figure.confusion_cell", "true", cv.Classes[t], "pred", cv.Classes[p], "n", n, "share", num(float32(share*100), 1))})
		}
		cv.Rows = append(cv.Rows, r)
	}
	return &TrainingView{Confusion: cv, Legend: v.legendImg(pc, figs[0].Scale, figs[0].Range, "alt.legend_share")}, nil
}

// legendImg is the legend render drew for a scheme over a range, or no
// picture if it drew none.
func (v *views) legendImg(pc pageCtx, scheme render.Scheme, r [2]float32, alt string) Img {
	for _, f := range v.figs.kinds("", render.KindLegend) {
		if f.File == render.LegendFile(scheme, r) {
			return Img{Src: pc.rel(figURL(f)), W: f.Width, H: f.Height, Alt: pc.lang.T(alt)}
		}
	}
	return Img{}
}
