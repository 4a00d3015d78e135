package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chapterPages lists every chapter and home page in every language (no
// per-sample pages: those come from the same figure templates).
func chapterPages() []string {
	var out []string
	for _, p := range shared.pages {
		if !strings.Contains("/"+p, "/s/") && p != "404.html" && !strings.HasSuffix(p, "404.html") {
			out = append(out, p)
		}
	}
	return out
}

// geometryJS checks the figures of a page the way a reader sees them and
// returns one line per fault. Each rule is a bug that shipped once: a
// header rule turning the softmax's tr.top into a flex box, a chapter td
// rule stretching kernel tables, a 3 × 3 kernel image drawn 3 px wide,
// flatten captions running into each other, pictures squeezed out of
// their aspect ratio or cut off by their figure.
const geometryJS = `(function () {
	var out = [];
	function name(e) {
		var f = e.closest(".fig, .overview"), s = e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
		return (f ? (f.className || "").split(" ").pop() + " " : "") + s + (e.getAttribute("src") ? " " + e.getAttribute("src").split("/").slice(-3).join("/") : "");
	}
	function scrolled(e) { return !!e.closest(".scroll-x, .ov-scroll, .math, .picker ul"); }
	function hit(a, b) { return a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1; }
	var figs = Array.from(document.querySelectorAll("main .fig"));
	// Table rows are rows, with their cells on one line.
	Array.from(document.querySelectorAll("main table tr")).forEach(function (tr) {
		var d = getComputedStyle(tr).display;
		if (d !== "table-row") { out.push(name(tr) + ": a table row is display:" + d); return; }
		var tops = Array.from(tr.children).map(function (c) { return Math.round(c.getBoundingClientRect().top); });
		if (tops.some(function (t) { return Math.abs(t - tops[0]) > 1; })) out.push(name(tr) + ": cells of one row at tops " + tops.join(","));
		// A cell squeezed to a character or two per line (a Chinese class
		// name broken after every character).
		Array.from(tr.children).forEach(function (c) {
			var txt = c.textContent.trim(), em = parseFloat(getComputedStyle(c).fontSize), w = c.getBoundingClientRect().width;
			if (txt.length >= 3 && w < 2.2 * em && c.getBoundingClientRect().height > 3 * em) out.push(name(c) + " «" + txt.slice(0, 20) + "» squeezed to " + w.toFixed(0) + " px");
		});
	});
	// Grids of numbers keep even, compact cells.
	Array.from(document.querySelectorAll("main table.grid")).forEach(function (t) {
		var em = parseFloat(getComputedStyle(t).fontSize), ws = Array.from(t.querySelectorAll("td")).map(function (td) { return td.getBoundingClientRect().width; });
		var lo = Math.min.apply(null, ws), hi = Math.max.apply(null, ws);
		if (hi - lo > 1.5) out.push(name(t) + ": cells from " + lo.toFixed(1) + " to " + hi.toFixed(1) + " px wide");
		if (hi > 5 * em) out.push(name(t) + ": cells " + hi.toFixed(1) + " px wide, over 5em");
	});
	figs.forEach(function (fig) {
		var fr = fig.getBoundingClientRect();
		var imgs = Array.from(fig.querySelectorAll("img")).filter(function (i) { return i.offsetParent !== null; });
		imgs.forEach(function (i) {
			var r = i.getBoundingClientRect(), aw = +i.getAttribute("width"), ah = +i.getAttribute("height");
			if (r.width < 24) out.push(name(i) + ": drawn " + r.width.toFixed(1) + " px wide");
			var room = i.parentElement.getBoundingClientRect().width;
			if (aw && r.width < Math.min(aw, room) - 1) out.push(name(i) + ": drawn " + r.width.toFixed(1) + " px wide, narrower than its " + aw + " px");
			if (aw && ah && Math.abs(r.width / r.height - aw / ah) > 0.03 * aw / ah) out.push(name(i) + ": drawn " + r.width.toFixed(1) + "×" + r.height.toFixed(1) + " for " + aw + "×" + ah);
			if (!scrolled(i) && r.right > fr.right + 1) out.push(name(i) + ": reaches " + (r.right - fr.right).toFixed(0) + " px past its figure");
		});
		Array.from(fig.querySelectorAll("table")).forEach(function (t) {
			var r = t.getBoundingClientRect();
			if (!scrolled(t) && r.right > fr.right + 1) out.push(name(t) + ": reaches " + (r.right - fr.right).toFixed(0) + " px past its figure");
		});
		// No caption overlaps another caption or a picture.
		var caps = Array.from(fig.querySelectorAll("figcaption, caption")).filter(function (c) { return c.offsetParent !== null && c.textContent.trim(); });
		caps.forEach(function (c, k) {
			var r = c.getBoundingClientRect();
			// Text running out of its caption's box overlaps whatever is beside it.
			if (c.scrollWidth > c.clientWidth + 1 && !scrolled(c)) out.push(name(c) + " «" + c.textContent.trim().slice(0, 30) + "» runs " + (c.scrollWidth - c.clientWidth) + " px out of its box");
			caps.slice(k + 1).forEach(function (d) {
				if (!c.contains(d) && !d.contains(c) && hit(r, d.getBoundingClientRect())) out.push(name(c) + " «" + c.textContent.trim().slice(0, 30) + "» overlaps «" + d.textContent.trim().slice(0, 30) + "»");
			});
			imgs.forEach(function (i) {
				if (hit(r, i.getBoundingClientRect())) out.push(name(c) + " «" + c.textContent.trim().slice(0, 30) + "» overlaps " + name(i));
			});
		});
	});
	return out;
})()`

// TestFigureGeometry opens every chapter and home page in both languages at
// a desktop and a phone size and fails on any fault geometryJS finds.
func TestFigureGeometry(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	pages := chapterPages()
	for _, sz := range viewports {
		setViewport(t, ctx, sz)
		for _, p := range pages {
			open(t, ctx, base+p)
			for _, f := range eval[[]string](t, ctx, geometryJS) {
				t.Errorf("%s at %dx%d: %s", p, sz.w, sz.h, f)
			}
		}
	}
	t.Logf("%d pages at %d sizes", len(pages), len(viewports))
}

// TestFigureScreenshots writes a picture of every figure of every chapter,
// in both languages, at a desktop and a phone size, into
// screenshots/figures/ for a person to review.
func TestFigureScreenshots(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	dir := filepath.Join(sitetest.Root(t), "screenshots", "figures")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sz := range viewports {
		setViewport(t, ctx, sz)
		for _, p := range chapterPages() {
			open(t, ctx, base+p)
			kinds := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("main .fig, main .overview")).map(function (f, i) {
				f.setAttribute("data-shot", i);
				return (f.className.match(/fig-[a-z-]+|overview/) || ["fig"])[0];
			})`)
			page := strings.NewReplacer("/index.html", "", "index.html", "home", "/", "-").Replace(p)
			for i, kind := range kinds {
				png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(`[data-shot="`+strconv.Itoa(i)+`"]`)))
				if err != nil {
					t.Errorf("%s figure %d (%s) at %dx%d: %v", p, i, kind, sz.w, sz.h, err)
					continue
				}
				name := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s-%dx%d.png", page, i, kind, sz.w, sz.h))
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
				n++
			}
		}
	}
	t.Logf("wrote %d figure pictures into %s", n, dir)
}

type viewport struct {
	w, h   int64
	mobile bool
}

var viewports = []viewport{{1280, 800, false}, {375, 812, true}}

func setViewport(t *testing.T, ctx context.Context, sz viewport) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if sz.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	do(t, ctx, "viewport", chromedp.EmulateViewport(sz.w, sz.h, opts...))
}

// TestTrainingFigures checks the words the training chapter puts around
// its language-neutral pictures: a key naming the training and the test
// curve and axis titles, epoch and neuron labels on the kernel history
// (each over its column), class names on the confusion matrix, and a
// legend for every colour scale.
func TestTrainingFigures(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	var hist struct {
		Classes        []string `json:"classes"`
		SnapshotEpochs []int    `json:"snapshot_epochs"`
	}
	readJSON(t, filepath.Join(sitetest.Root(t), "samples", "fashion-mnist", "history.json"), &hist)
	type result struct {
		Key, Titles       []string
		Heads, Rows, Cols []string
		Misplaced         []string
		Legends           []int
	}
	for _, lang := range []string{"", "zh-CN/"} {
		open(t, ctx, base+lang+"training/index.html")
		r := eval[result](t, ctx, `(function () {
			function texts(sel) { return Array.from(document.querySelectorAll(sel)).map(function (e) { return e.textContent.trim(); }); }
			var img = document.querySelector(".kh img"), ir = img.getBoundingClientRect(), mis = [];
			var pitch = ir.width / `+strconv.Itoa(10)+`;
			document.querySelectorAll(".kh-cols li").forEach(function (li, i) {
				var r = li.getBoundingClientRect(), c = (r.left + r.right) / 2 - ir.left;
				if (Math.abs(c - (i + 0.45) * pitch) > pitch / 3) mis.push(li.textContent + " at " + c.toFixed(1) + " px");
			});
			return {
				Key: texts(".fig-curves .chart-key li"), Titles: texts(".fig-curves .y-title, .fig-curves .x-title"),
				Heads: texts(".fig-confusion thead th").slice(1), Rows: texts(".fig-kernel-history .kh-rows li"), Cols: texts(".fig-kernel-history .kh-cols li"),
				Misplaced: mis,
				Legends: Array.from(document.querySelectorAll(".fig-kernel-history img.legend, .fig-confusion img.legend")).map(function (i) { return i.naturalWidth; })
			};
		})()`)
		if len(r.Key) != 2 || r.Key[0] == r.Key[1] {
			t.Errorf("%straining: the curves' key is %q, want a training and a test entry", lang, r.Key)
		}
		if len(r.Titles) != 4 {
			t.Errorf("%straining: axis titles %q, want y and x titles on both charts", lang, r.Titles)
		}
		if len(r.Heads) != len(hist.Classes) {
			t.Errorf("%straining: confusion columns %q for %d classes", lang, r.Heads, len(hist.Classes))
		}
		for i, h := range r.Heads {
			if lang == "" && i < len(hist.Classes) && h != hist.Classes[i] {
				t.Errorf("confusion column %d is %q, want %q", i, h, hist.Classes[i])
			}
			if _, err := strconv.Atoi(h); err == nil {
				t.Errorf("%straining: confusion column %d is labelled %q, not a class name", lang, i, h)
			}
		}
		if lang != "" && len(r.Heads) > 0 && r.Heads[0] == hist.Classes[0] {
			t.Errorf("%straining: the confusion matrix names the classes in English", lang)
		}
		want := make([]string, len(hist.SnapshotEpochs))
		for i, e := range hist.SnapshotEpochs {
			want[i] = strconv.Itoa(e)
		}
		if strings.Join(r.Rows, ",") != strings.Join(want, ",") {
			t.Errorf("%straining: kernel history rows %q, want epochs %q", lang, r.Rows, want)
		}
		if len(r.Cols) != 10 || len(r.Misplaced) > 0 {
			t.Errorf("%straining: kernel history columns %q; off their kernels: %q", lang, r.Cols, r.Misplaced)
		}
		if len(r.Legends) != 2 || r.Legends[0] == 0 || r.Legends[1] == 0 {
			t.Errorf("%straining: legends of the kernel history and confusion matrix: %v", lang, r.Legends)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestPlayground walks every setting of the convolution chapter's first
// playground: the animation of that setting loads and is drawn at twice
// its size (so every cell is square and the same size in every setting),
// the formula gives floor((n+2p-k)/s)+1, and a note in red appears exactly
// when something does not fit. Then it changes a setting by keyboard alone.
func TestPlayground(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	open(t, ctx, base+"convolution/index.html")
	type result struct {
		Tried  int
		Faults []string
	}
	r := eval[result](t, ctx, `(async function () {
		var fig = document.querySelector(".fig-playground"), ctl = fig.querySelector(".pg-controls"), faults = [], tried = 0;
		if (ctl.hidden) return { Tried: 0, Faults: ["the controls stay hidden with JavaScript on"] };
		var sel = {};
		ctl.querySelectorAll("select").forEach(function (s) { sel[s.dataset.k] = s; });
		function opts(k) { return Array.from(sel[k].options).map(function (o) { return +o.value; }); }
		for (var n of opts("size")) for (var p of opts("padding")) for (var k of opts("kernel")) for (var s of opts("stride")) {
			var name = "n" + n + " p" + p + " k" + k + " s" + s;
			sel.size.value = n; sel.padding.value = p; sel.kernel.value = k; sel.stride.value = s;
			ctl.dispatchEvent(new Event("change", { bubbles: true }));
			tried++;
			var rest = n + 2 * p - k, img = fig.querySelector(".pg-anim");
			var bad = fig.querySelectorAll(".pg-bad").length, red = bad && getComputedStyle(fig.querySelector(".pg-bad")).color;
			var wantBad = rest < 0 || rest % s !== 0 || s > k || p >= k;
			if (!!bad !== wantBad) faults.push(name + ": " + bad + " notes on what does not fit");
			if (bad && red !== "rgb(185, 28, 28)") faults.push(name + ": the note is " + red + ", not red");
			if (rest < 0) {
				if (img && !img.hidden) faults.push(name + ": an animation for a kernel larger than the input");
				continue;
			}
			var out = Math.floor(rest / s) + 1, f = fig.querySelector(".pg-formula").textContent;
			if (!f.endsWith("= " + out)) faults.push(name + ": formula " + JSON.stringify(f) + ", want output " + out);
			if (!img.complete || img.naturalWidth === 0) await new Promise(function (ok) { img.onloadend = ok; img.addEventListener("load", ok); img.addEventListener("error", ok); setTimeout(ok, 2000); });
			await new Promise(requestAnimationFrame);
			var r = img.getBoundingClientRect();
			if (img.naturalWidth === 0) { faults.push(name + ": animation " + img.getAttribute("src") + " does not load"); continue; }
			if (Math.abs(r.width - 2 * img.naturalWidth) > 0.5 || Math.abs(r.height - 2 * img.naturalHeight) > 0.5)
				faults.push(name + ": drawn " + r.width + "×" + r.height + " for " + img.naturalWidth + "×" + img.naturalHeight);
		}
		return { Tried: tried, Faults: faults.slice(0, 20) };
	})()`)
	for _, f := range r.Faults {
		t.Error(f)
	}
	if r.Tried < 400 {
		t.Errorf("only %d settings tried", r.Tried)
	}
	// Keyboard: Tab to the first setting, then the arrow keys alone.
	open(t, ctx, base+"convolution/index.html")
	focused := false
	for i := 0; i < 400 && !focused; i++ {
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		focused = eval[bool](t, ctx, `document.activeElement === document.querySelector(".fig-playground select")`)
	}
	if !focused {
		t.Fatal("400 presses of Tab never reach the playground's first setting")
	}
	before := eval[string](t, ctx, `document.querySelector(".fig-playground .pg-formula").textContent`)
	do(t, ctx, "arrow down", chromedp.KeyEvent(kb.ArrowDown))
	after := eval[string](t, ctx, `document.querySelector(".fig-playground .pg-formula").textContent`)
	if before == after {
		t.Errorf("the arrow key on the input size leaves the formula at %q", before)
	}
	for _, p := range w.take() {
		t.Error(p)
	}
	t.Logf("%d settings; keyboard: %q -> %q", r.Tried, before, after)
}

// TestOverviewLegend checks the overview's legends and status line: one
// legend per range in use (none with numbers per neuron, one per block,
// one for the network), a focused neuron's status naming the range its
// colours are on, and the chosen mode surviving a switch of sample.
func TestOverviewLegend(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	open(t, ctx, base+"index.html")
	type state struct {
		Mode    string
		Legends []string
		Status  string
		Src     string
	}
	look := `(function () {
		var ov = document.querySelector(".overview"), lgs = Array.from(ov.querySelectorAll(".lg")).filter(function (l) { return !l.hidden; });
		var nb = ov.querySelector('.ov-col[data-block="1"] a.nb');
		nb.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
		var st = { Mode: (ov.querySelector(".modes input:checked") || {}).value || "", Status: ov.querySelector(".ov-status").textContent,
			Legends: lgs.map(function (l) { return l.dataset.mode + " " + l.dataset.block + " " + l.dataset.lo + " " + l.dataset.hi; }),
			Src: ov.querySelector('.ov-col[data-block="1"] .nb img').getAttribute("src") };
		nb.dispatchEvent(new MouseEvent("mouseout", { bubbles: true }));
		return st;
	})()`
	s := eval[state](t, ctx, look)
	if s.Mode != "unit" || len(s.Legends) != 1 || !strings.Contains(s.Status, "-") {
		t.Errorf("per neuron: mode %q, legends %q, status %q", s.Mode, s.Legends, s.Status)
	}
	for _, mode := range []string{"module", "global"} {
		do(t, ctx, "choose "+mode, chromedp.Click(chromedp.CSS(`.overview .modes input[value="`+mode+`"]`)))
		s = eval[state](t, ctx, look)
		want := 2
		if mode == "global" {
			want = 1
		}
		if len(s.Legends) != want || !strings.Contains(s.Src, "/"+mode+"/") {
			t.Errorf("%s: legends %q, maps %s", mode, s.Legends, s.Src)
			continue
		}
		f := strings.Fields(s.Legends[want-1])
		if len(f) != 4 || !strings.Contains(s.Status, f[2]) || !strings.Contains(s.Status, f[3]) {
			t.Errorf("%s: the status %q does not name the range of legend %q", mode, s.Status, s.Legends[want-1])
		}
	}
	// The choice survives picking another sample.
	sample := eval[string](t, ctx, `document.querySelector(".overview").dataset.sample`)
	do(t, ctx, "pick the second sample",
		chromedp.Click(chromedp.CSS(`.overview .picker li:nth-child(2) a`)),
		func(ctx2 context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[bool](`document.querySelector(".overview") && document.querySelector(".overview").dataset.sample !== `+jsString(sample),
				chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))(ctx2, tg)
			return chromedp.Void{}, err
		}, settle())
	s = eval[state](t, ctx, look)
	if s.Mode != "global" || len(s.Legends) != 1 || !strings.Contains(s.Src, "/global/") {
		t.Errorf("after a sample switch: mode %q, legends %q, maps %s; want the whole-network range kept", s.Mode, s.Legends, s.Src)
	}
	for _, p := range w.take() {
		t.Error(p)
	}
}

// TestWeightColours checks that kernel weights are written in the
// brown/green of the weight scale the legends and alt texts describe, not
// in the red/blue of activations, in both colour schemes' light default.
func TestWeightColours(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	open(t, ctx, base+"convolution/index.html")
	type rgb struct{ R, G, B int }
	type result struct{ Pos, Neg, Act []rgb }
	r := eval[result](t, ctx, `(function () {
		function cols(sel) { return Array.from(document.querySelectorAll(sel)).slice(0, 20).map(function (e) {
			var m = getComputedStyle(e).color.match(/\d+/g).map(Number); return { R: m[0], G: m[1], B: m[2] }; }); }
		return { Pos: cols(".fig-conv .kern td.pos, .fig-conv .kern td.wpos, .fig-kernels td.pos, .fig-kernels td.wpos"), Neg: cols(".fig-conv .kern td.neg, .fig-conv .kern td.wneg, .fig-kernels td.neg, .fig-kernels td.wneg"), Act: cols(".fig-conv .winv td.pos") };
	})()`)
	if len(r.Pos) == 0 || len(r.Neg) == 0 || len(r.Act) == 0 {
		t.Fatalf("found %d positive and %d negative weights and %d window values", len(r.Pos), len(r.Neg), len(r.Act))
	}
	for _, c := range r.Pos {
		if !(c.G > c.R && c.G >= c.B) {
			t.Errorf("a positive weight is written in rgb(%d,%d,%d), not green", c.R, c.G, c.B)
		}
	}
	for _, c := range r.Neg {
		if !(c.R > c.G && c.G > c.B) {
			t.Errorf("a negative weight is written in rgb(%d,%d,%d), not brown", c.R, c.G, c.B)
		}
	}
	if r.Act[0] == r.Pos[0] {
		t.Errorf("weights and activations share the colour rgb%v", r.Pos[0])
	}
}
