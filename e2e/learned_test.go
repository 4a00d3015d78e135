package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// learnedPages are the "what did it learn" views, one of each kind.
var learnedPages = []struct{ name, path string }{
	{"hub", "learned/index.html"},
	{"layer", "learned/layer/conv_2_1/index.html"},
	{"looked", "learned/looked/mistake-coat-as-pullover/index.html"},
	{"features", "learned/features/index.html"},
	{"confusion", "learned/confusion/index.html"},
	{"chapter", "what-did-it-learn/index.html"},
	{"neuron", "s/t-shirt-top/relu_2_1/3/index.html"},
}

// TestLearnedViews opens every kind of view in both languages, on a desktop
// and a phone screen: no broken picture, nothing wider than the screen, no
// axe-core finding, and a screenshot of each in screenshots/ to look at.
func TestLearnedViews(t *testing.T) {
	script := axeScript(t)
	base, _ := site(t)
	ctx := browser(t)
	k := knownFindings(t)
	dir := filepath.Join(sitetest.Root(t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sizes := []struct {
		w, h   int64
		mobile bool
	}{{1280, 800, false}, {375, 812, true}}
	for _, sz := range sizes {
		var opts []chromedp.EmulateViewportOption
		if sz.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		do(t, ctx, "viewport", chromedp.EmulateViewport(sz.w, sz.h, opts...))
		for _, lang := range []string{"", "zh-CN/"} {
			for _, p := range learnedPages {
				name := fmt.Sprintf("learned-%s-%s%dx%d", p.name, strings.ReplaceAll(lang, "/", "-"), sz.w, sz.h)
				open(t, ctx, base+lang+p.path)
				if bad := eval[[]string](t, ctx, `(function () {`+brokenJS+`
					return Array.from(document.images).filter(broken).map(function (i) { return i.src; });
				})()`); len(bad) > 0 {
					t.Errorf("%s: broken pictures %v", name, bad)
				}
				if over := eval[int64](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
					k.report(t, fmt.Sprintf("%s: the page is %d px wider than the screen; too wide: %s", name, over, strings.Join(eval[[]string](t, ctx, overflowJS), "; ")))
				}
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
				if sz.mobile {
					continue // axe once per page and language
				}
				vs := runAxe(t, ctx, script, `document`, axeAll)
				for _, v := range vs {
					k.report(t, name+": axe "+v.ID+" ("+v.Impact+"): "+v.Help+"\n    "+strings.Join(v.Nodes, "\n    "))
				}
			}
		}
	}
}

// TestFeatureSpacePreview: moving the keyboard focus to a point of the
// scatter shows that point's picture and name, and so does pointing at a
// ringed sample with the mouse.
func TestFeatureSpacePreview(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	open(t, ctx, base+"learned/features/index.html")
	if n := eval[int64](t, ctx, `document.querySelectorAll(".scatter .pt").length`); n < 1000 {
		t.Fatalf("the scatter has %d points, want the probe set's 1000 and the samples", n)
	}
	preview := func() []string {
		return eval[[]string](t, ctx, `(function () {
			var box = document.querySelector(".scatter-box"), tile = box.querySelector(".pv");
			return [tile.hidden ? "" : getComputedStyle(tile).backgroundImage, box.querySelector(".scatter-preview p").textContent];
		})()`)
	}
	focused, tabs := "", 0
	for ; tabs < 100 && focused == ""; tabs++ {
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		focused = eval[string](t, ctx, `(function (a) { return a && a.matches(".scatter .pt") ? a.getAttribute("aria-label") : "" })(document.activeElement)`)
	}
	if focused == "" {
		t.Fatal("100 presses of Tab never reach a point of the scatter")
	}
	if got := preview(); !strings.Contains(got[0], "probe.png") || got[1] != focused {
		t.Errorf("keyboard focus on %q shows picture %q and text %q", focused, got[0], got[1])
	}
	xy := eval[[]float64](t, ctx, `(function () {
		var pt = document.querySelector(".scatter .pt.marked");
		pt.scrollIntoView({block: "center"});
		var r = pt.getBoundingClientRect();
		return [r.x + r.width / 2, r.y + r.height / 2];
	})()`)
	do(t, ctx, "point at a sample", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, xy[0], xy[1]))
	want := eval[string](t, ctx, `document.querySelector(".scatter .pt.marked").getAttribute("aria-label")`)
	if got := preview(); !strings.Contains(got[0], "samples/") || got[1] != want {
		t.Errorf("pointing at sample %q shows picture %q and text %q", want, got[0], got[1])
	}
}
