package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/chromedp"
)

// TestCurvesFromEpochZero opens the training chapter's learning curves in
// both languages at a desktop and a phone size: both charts load, keep
// their drawn proportions (the epoch-0 point sits on the y axis of the
// picture, so a chart cut at the left would hide it) and are pictured in
// screenshots/figures/ for a person to review. The committed history must
// record epoch 0 for the charts to start there.
func TestCurvesFromEpochZero(t *testing.T) {
	var hist struct {
		Epochs []struct {
			Epoch int `json:"epoch"`
		} `json:"epochs"`
	}
	readJSON(t, filepath.Join(sitetest.Root(t), "samples", "fashion-mnist", "history.json"), &hist)
	if len(hist.Epochs) == 0 || hist.Epochs[0].Epoch != 0 {
		t.Fatalf("the committed history starts at %+v, not epoch 0", hist.Epochs[:min(1, len(hist.Epochs))])
	}
	base, _ := site(t)
	ctx := browser(t)
	dir := filepath.Join(sitetest.Root(t), "screenshots", "figures")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	type chart struct{ W, H, NW, NH, Left, FigLeft float64 }
	for _, sz := range viewports {
		setViewport(t, ctx, sz)
		for _, lang := range []string{"", "zh-CN/"} {
			open(t, ctx, base+lang+"training/index.html")
			charts := eval[[]chart](t, ctx, `Array.from(document.querySelectorAll(".fig-curves .chart img")).map(function (i) {
				var r = i.getBoundingClientRect(), f = i.closest(".fig-curves").getBoundingClientRect();
				return {W: r.width, H: r.height, NW: i.naturalWidth, NH: i.naturalHeight, Left: r.left, FigLeft: f.left};
			})`)
			if len(charts) != 2 {
				t.Fatalf("%straining at %dx%d: %d curve charts, want loss and accuracy", lang, sz.w, sz.h, len(charts))
			}
			for i, c := range charts {
				if c.NW == 0 || c.W < 1 || math.Abs(c.W/c.H-c.NW/c.NH) > 0.02 || c.Left < c.FigLeft-0.5 {
					t.Errorf("%straining at %dx%d: chart %d is %+v: not loaded, distorted or cut at the left", lang, sz.w, sz.h, i, c)
				}
			}
			png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".fig-curves")))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, fmt.Sprintf("curves-%s%dx%d.png", map[string]string{"": "en-", "zh-CN/": "zh-CN-"}[lang], sz.w, sz.h))
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
