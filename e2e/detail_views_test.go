package e2e

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestDetailScreenshots writes every detail view, desktop and phone, in
// both languages, into screenshots/detail-*.png, and checks the geometry a
// reader relies on: the page is no wider than the screen, every map is
// drawn square, and a convolution's intermediate maps are drawn the size of
// the input maps of the same size.
func TestDetailScreenshots(t *testing.T) {
	base, _ := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	dir := filepath.Join(sitetest.Root(t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	type geometry struct {
		Over   int
		NotSq  []string
		Parts  [][2]float64 // drawn and natural width
		Inputs [][2]float64
	}
	for _, sz := range []struct {
		w, h   int64
		mobile bool
	}{{1280, 800, false}, {375, 812, true}} {
		var opts []chromedp.EmulateViewportOption
		if sz.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		do(t, ctx, "viewport", chromedp.EmulateViewport(sz.w, sz.h, opts...))
		for _, lang := range []string{"", "zh-CN/"} {
			for _, k := range []string{"conv2d-multi", "relu", "maxpool2d", "class"} {
				p := lang + pages[k]
				open(t, ctx, base+p)
				g := eval[geometry](t, ctx, `(function(){
					var q = function (s) { return Array.from(document.querySelectorAll(s)); };
					var wd = function (s) { return q(s).map(function (i) { return [i.getBoundingClientRect().width, i.naturalWidth]; }); };
					return {
						Over: document.documentElement.scrollWidth - document.documentElement.clientWidth,
						NotSq: q(".dv .mapbox img").filter(function (i) { var r = i.getBoundingClientRect(); return Math.abs(r.width - r.height) > 1 || r.width < 28; }).map(function (i) { return i.getAttribute("src"); }),
						Parts: wd('.dv .mapbox[data-role="part"] img'),
						Inputs: wd('.dchan .mapbox[data-role="in"] img')
					};
				})()`)
				name := fmt.Sprintf("detail-%s-%s%dx%d.png", strings.TrimSuffix(k, "-multi"), strings.ReplaceAll(lang, "/", "-"), sz.w, sz.h)
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
					t.Fatal(err)
				}
				if g.Over > 0 {
					t.Errorf("%s at %dx%d: the page is %d px wider than the screen", p, sz.w, sz.h, g.Over)
				}
				if len(g.NotSq) > 0 {
					t.Errorf("%s at %dx%d: maps not drawn square (or below their 28 px): %v", p, sz.w, sz.h, g.NotSq)
				}
				for i := range g.Parts {
					// Maps of one size are drawn at one size, so a window
					// and its cell line up across them.
					if i < len(g.Inputs) && g.Parts[i][1] == g.Inputs[i][1] && math.Abs(g.Parts[i][0]-g.Inputs[i][0]) > 1 {
						t.Errorf("%s at %dx%d: intermediate map %d is drawn %v px wide, its input map %v", p, sz.w, sz.h, i, g.Parts[i][0], g.Inputs[i][0])
					}
				}
				t.Logf("wrote screenshots/%s", name)
			}
		}
	}
	for _, pr := range w.take() {
		t.Error(pr)
	}
}

// TestSoftmaxHighlight: pointing at a class's row of the softmax table
// highlights its term of the denominator, pointing at a term highlights
// its row, and the formula shows that class's probability.
func TestSoftmaxHighlight(t *testing.T) {
	base, _ := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	open(t, ctx, base+pages["class"])
	type hl struct {
		Rows, Terms []int
		Formula     string
	}
	const js = `(function(){
		var sec = document.querySelector(".dsoftmax"), idx = function (list) {
			return list.map(function (e, i) { return e.classList.contains("hl") ? i : -1; }).filter(function (i) { return i >= 0; });
		};
		return {
			Rows: idx(Array.from(sec.querySelectorAll("table.softmax tbody tr"))),
			Terms: idx(Array.from(sec.querySelectorAll(".smt"))),
			Formula: sec.querySelector(".math").textContent
		};
	})()`
	for _, target := range []struct{ sel, what string }{
		{`.dsoftmax table.softmax tbody tr:nth-child(2) td:nth-child(2)`, "row"},
		{`.dsoftmax .smt:nth-of-type(4)`, "term"},
	} {
		do(t, ctx, "scroll", chromedp.ScrollIntoView(chromedp.CSS(target.sel)))
		r := eval[[]float64](t, ctx, `(function(){var b=document.querySelector(`+jsString(target.sel)+`).getBoundingClientRect();return [b.left+b.width/2,b.top+b.height/2]})()`)
		do(t, ctx, "point at a "+target.what, chromedp.MouseEvent("mouseMoved", r[0], r[1]))
		got := eval[hl](t, ctx, js)
		want := 1
		if target.what == "term" {
			want = 3
		}
		if len(got.Rows) != 1 || len(got.Terms) != 1 || got.Rows[0] != want || got.Terms[0] != want {
			t.Errorf("pointing at %s %d highlights rows %v and terms %v, want %d in both", target.what, want, got.Rows, got.Terms, want)
		}
		if !strings.Contains(got.Formula, "p"+strconv.Itoa(want)) {
			t.Errorf("pointing at %s %d: the formula is not p%d's: %s", target.what, want, want, got.Formula)
		}
	}
	for _, pr := range w.take() {
		t.Error(pr)
	}
}

// TestOverviewLabelsLinkChapters: every layer label of the overview that
// has a chapter links it, and the link opens that chapter.
func TestOverviewLabelsLinkChapters(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	open(t, ctx, base+"index.html")
	links := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".overview .ov-head a")).map(function(a){return a.href})`)
	heads := eval[int](t, ctx, `document.querySelectorAll(".overview .ov-head").length`)
	if len(links) < heads-1 || len(links) == 0 {
		t.Fatalf("%d of %d layer labels link a chapter", len(links), heads)
	}
	for _, l := range links[:2] {
		open(t, ctx, l)
		if !eval[bool](t, ctx, `!!document.querySelector("article.chapter, main h1")`) {
			t.Errorf("%s: the label's link opens no chapter", l)
		}
	}
}

// TestDetailAxe runs axe-core on every kind of detail view in both
// languages after a step (so the script's roles, labels and overlays are
// in place), and checks colour contrast in the dark scheme too.
func TestDetailAxe(t *testing.T) {
	script := axeScript(t)
	base, _ := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	known := knownFindings(t)
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		tags := axeAll
		if scheme == "dark" {
			tags = `{type: "rule", values: ["color-contrast"]}`
		}
		for _, lang := range []string{"", "zh-CN/"} {
			for _, k := range []string{"conv2d-multi", "relu", "maxpool2d", "class"} {
				p := lang + pages[k]
				open(t, ctx, base+p)
				if k != "class" {
					do(t, ctx, "step", chromedp.Focus(chromedp.CSS(`.dv .mapbox`)), chromedp.KeyEvent(kb.ArrowDown))
				}
				vs := runAxe(t, ctx, script, `document`, tags)
				for _, v := range vs {
					known.report(t, p+" ("+scheme+"): axe "+v.ID+" ("+v.Impact+"): "+v.Help+"\n    "+strings.Join(v.Nodes, "\n    "))
				}
			}
		}
	}
}
