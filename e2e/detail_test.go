package e2e

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// detailPages finds, for the first sample, the first neuron page of the
// first layer of each kind a detail view has, choosing a convolution that
// reads more than one channel when there is one.
func detailPages(t *testing.T) map[string]string {
	t.Helper()
	_, out := site(t)
	kinds := map[string]string{}
	re := regexp.MustCompile(`^s/([^/]+)/([^/]+)/0/index\.html$`)
	first := ""
	for _, p := range shared.pages {
		m := re.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		if first == "" {
			first = m[1]
		}
		if m[1] != first {
			continue
		}
		page, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		kind := regexp.MustCompile(`class="?detail k-([a-z0-9]+)`).FindSubmatch(page)
		if kind == nil {
			continue
		}
		k := string(kind[1])
		if k == "conv2d" && strings.Count(string(page), "dchan") > 2 && kinds["conv2d-multi"] == "" {
			kinds["conv2d-multi"] = p
		}
		if kinds[k] == "" {
			kinds[k] = p
		}
	}
	for _, k := range []string{"conv2d", "relu", "maxpool2d", "class"} {
		if kinds[k] == "" {
			t.Fatalf("no detail page of kind %s among %d pages", k, len(shared.pages))
		}
	}
	if kinds["conv2d-multi"] == "" {
		kinds["conv2d-multi"] = kinds["conv2d"]
	}
	return kinds
}

// viewState is what the page shows for the current position.
type viewState struct {
	Pos      string
	Player   bool
	Formula  string
	Parts    []string
	Boxes    []string // each map's role and where its window or cell is
	Out      [2]int
	Pos0     [2]int
	Status   string
	Help     bool
	PanelTop float64
}

const stateJS = `(function () {
	var dv = document.querySelector(".dv"), d = JSON.parse(dv.dataset.detail);
	return {
		Pos: dv.querySelector(".pos").textContent,
		Player: !dv.querySelector(".player").hidden,
		Formula: dv.querySelector(".math").textContent,
		Parts: Array.from(dv.querySelectorAll(".dchan output")).map(function (o) { return o.textContent; }),
		Boxes: Array.from(dv.querySelectorAll(".mapbox")).map(function (b) {
			var o = b.querySelector(".win") || b.querySelector(".cell");
			return b.dataset.role + " " + (o ? o.style.left + "," + o.style.top + "," + o.style.width : "none");
		}),
		Out: [d.out[0], d.out[1]], Pos0: d.pos,
		Status: dv.querySelector(".dstatus").textContent,
		Help: !dv.querySelector(".dhelp").hidden,
		PanelTop: dv.querySelector(".dpanel").getBoundingClientRect().top
	};
})()`

func state(t *testing.T, ctx context.Context) viewState {
	t.Helper()
	return eval[viewState](t, ctx, stateJS)
}

// posRE reads row and column out of the position line in either language.
var posRE = regexp.MustCompile(`(\d+)\D+(\d+)`)

func rowCol(t *testing.T, s string) (int, int) {
	t.Helper()
	m := posRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no row and column in %q", s)
	}
	y, _ := strconv.Atoi(m[1])
	x, _ := strconv.Atoi(m[2])
	return y, x
}

// TestDetailStepping moves the position of a convolution view by keyboard,
// by clicking a map and by the player's button, and checks that every map's
// window follows, the numbers change, and the sum the formula gives is the
// model's output at the new position (read from the data the site ships for
// the next layer, which is this layer's output).
func TestDetailStepping(t *testing.T) {
	base, out := site(t)
	pages := detailPages(t)
	p := pages["conv2d-multi"]
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	open(t, ctx, base+p)
	s0 := state(t, ctx)
	if !s0.Player || !s0.Help {
		t.Fatalf("%s: the player (%v) or the help line (%v) does not appear", p, s0.Player, s0.Help)
	}
	y0, x0 := rowCol(t, s0.Pos)
	if y0 != s0.Pos0[0] || x0 != s0.Pos0[1] {
		t.Fatalf("position line %q, page data %v", s0.Pos, s0.Pos0)
	}
	H, W := s0.Out[0], s0.Out[1]

	// Keyboard: focus the first map (an input channel) and press the arrows.
	do(t, ctx, "focus a map", chromedp.Focus(chromedp.CSS(`.dv .mapbox`)))
	dir := kb.ArrowRight
	if x0 == W-1 {
		dir = kb.ArrowLeft
	}
	do(t, ctx, "arrow key", chromedp.KeyEvent(dir))
	s1 := state(t, ctx)
	y1, x1 := rowCol(t, s1.Pos)
	if y1 != y0 || (x1 != x0+1 && x1 != x0-1) {
		t.Errorf("an arrow key moved %d,%d to %d,%d", y0, x0, y1, x1)
	}
	moved(t, "arrow key", s0, s1)
	if s1.Status == "" {
		t.Error("a focused map shows no value in the status line")
	}
	checkSum(t, out, p, s1, y1, x1)

	// Click the cell (H-2, 1) of the output map.
	ty, tx := H-2, 1
	do(t, ctx, "scroll to the output map", chromedp.ScrollIntoView(chromedp.CSS(`.dv .mapbox[data-role="out"]`)))
	r := eval[[]float64](t, ctx, `(function(){var i=document.querySelector('.dv .mapbox[data-role="out"] img').getBoundingClientRect();return [i.left,i.top,i.width,i.height]})()`)
	do(t, ctx, "click the output map", chromedp.MouseClickXY(r[0]+(float64(tx)+0.5)*r[2]/float64(W), r[1]+(float64(ty)+0.5)*r[3]/float64(H)))
	s2 := state(t, ctx)
	if y, x := rowCol(t, s2.Pos); y != ty || x != tx {
		t.Errorf("clicking cell %d,%d of the output map chose %d,%d", ty, tx, y, x)
	}
	moved(t, "click", s1, s2)
	checkSum(t, out, p, s2, ty, tx)

	// The player's next button.
	do(t, ctx, "next", chromedp.Click(chromedp.CSS(`.dv [data-act="next"]`)))
	s3 := state(t, ctx)
	if y, x := rowCol(t, s3.Pos); y != ty || x != tx+1 {
		t.Errorf("next after %d,%d chose %d,%d", ty, tx, y, x)
	}

	// The panel stays at the top of the screen while the channels scroll by.
	do(t, ctx, "scroll", chromedp.ScrollIntoView(chromedp.CSS(`.dv .dchan:last-child`)))
	if top := state(t, ctx).PanelTop; math.Abs(top) > 1 {
		t.Errorf("scrolled to the last channel, the panel is %v px from the top, want 0 (sticky)", top)
	}
	// For a person to look at: the panel over the last channel, after
	// stepping, with the status line of the focused map.
	do(t, ctx, "focus the last map", chromedp.Focus(chromedp.CSS(`.dv .dchan:last-child .mapbox`)))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join(sitetest.Root(t), "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shots, "detail-conv2d-stepped-1280x800.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, pr := range w.take() {
		t.Error(pr)
	}
}

// moved checks that every map's overlay and the formula changed between two
// states.
func moved(t *testing.T, what string, a, b viewState) {
	t.Helper()
	if len(a.Boxes) != len(b.Boxes) || len(a.Boxes) == 0 {
		t.Fatalf("%s: %d maps before, %d after", what, len(a.Boxes), len(b.Boxes))
	}
	for i := range a.Boxes {
		if a.Boxes[i] == b.Boxes[i] || strings.HasSuffix(b.Boxes[i], "none") {
			t.Errorf("%s: map %d's window did not follow (%s -> %s)", what, i, a.Boxes[i], b.Boxes[i])
		}
	}
	if a.Formula == b.Formula {
		t.Errorf("%s: the formula did not change: %s", what, a.Formula)
	}
}

// checkSum compares the formula's result with the layer's output at (y, x),
// which the site ships as the data of the layer after it.
func checkSum(t *testing.T, out, page string, s viewState, y, x int) {
	t.Helper()
	parts := strings.Split(page, "/") // s/<sample>/<layer>/<n>/index.html
	n, _ := strconv.Atoi(parts[3])
	js, err := os.ReadFile(filepath.Join(out, "data", parts[1], parts[2]+".js"))
	if err != nil {
		t.Skipf("no data for %s's output (%v): nothing to compare with", parts[2], err)
	}
	i := strings.Index(string(js), "={")
	var d struct {
		Shape []int
		Data  []float64
	}
	if err := json.Unmarshal([]byte(strings.TrimRight(string(js[i+1:]), ";\n")), &d); err != nil {
		t.Fatalf("data of %s: %v", parts[2], err)
	}
	want := d.Data[(y*d.Shape[1]+x)*d.Shape[2]+n]
	f := strings.Fields(strings.NewReplacer("=", " = ", "(", " ", ")", " ").Replace(s.Formula))
	got, err := strconv.ParseFloat(f[len(f)-1], 64)
	if err != nil {
		t.Fatalf("formula %q ends in no number", s.Formula)
	}
	if math.Abs(got-want) > 2e-3*(1+math.Abs(want)) {
		t.Errorf("at %d,%d the formula gives %v, the model's output is %v (formula %s)", y, x, got, want, s.Formula)
	}
}

// TestDetailFromDisk opens every kind of detail view as a file:// page: the
// stepper appears and steps, as it does served.
func TestDetailFromDisk(t *testing.T) {
	_, out := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	for _, k := range []string{"conv2d-multi", "relu", "maxpool2d"} {
		p := pages[k]
		open(t, ctx, "file://"+filepath.Join(out, filepath.FromSlash(p)))
		s0 := state(t, ctx)
		if !s0.Player {
			t.Errorf("%s from disk: the stepper does not appear", p)
			continue
		}
		do(t, ctx, "focus a map", chromedp.Focus(chromedp.CSS(`.dv .mapbox[data-role="out"]`)))
		key := kb.ArrowDown
		if s0.Pos0[0] == s0.Out[0]-1 {
			key = kb.ArrowUp
		}
		do(t, ctx, "arrow key", chromedp.KeyEvent(key))
		s1 := state(t, ctx)
		if s1.Pos == s0.Pos {
			t.Errorf("%s from disk: an arrow key did not move the position (%s)", p, s0.Pos)
		}
		moved(t, p+" from disk", s0, s1)
	}
}

// TestDetailWithoutJavaScript: with scripts off each detail view shows its
// static default: the position it was built with, the formula with numbers,
// every map with its window, the legends; and no stepper that cannot work.
func TestDetailWithoutJavaScript(t *testing.T) {
	base, _ := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		Player, Formula, Pos   bool
		Maps, Overlays, Legend int
		Broken                 []string
	}
	for _, k := range []string{"conv2d-multi", "relu", "maxpool2d"} {
		p := pages[k]
		do(t, ctx, "open "+p, chromedp.Navigate(base+p))
		res := eval[result](t, ctx, `(function(){
			`+brokenJS+`
			var dv = document.querySelector(".dv");
			return {
				Player: !dv.querySelector(".player").hidden,
				Formula: /\d/.test(dv.querySelector(".math").textContent),
				Pos: /\d/.test(dv.querySelector(".pos").textContent),
				Maps: dv.querySelectorAll(".mapbox").length,
				Overlays: dv.querySelectorAll(".mapbox .win[style], .mapbox .cell[style]").length,
				Legend: dv.querySelectorAll(".dlegend .dl-bar").length,
				Broken: Array.from(dv.querySelectorAll("img")).filter(broken).map(function(i){return i.getAttribute("src")})
			};
		})()`)
		switch {
		case res.Player:
			t.Errorf("%s: the stepper shows without JavaScript", p)
		case !res.Formula || !res.Pos:
			t.Errorf("%s: no formula (%v) or position (%v) without JavaScript", p, res.Formula, res.Pos)
		case res.Maps < 2 || res.Overlays != res.Maps:
			t.Errorf("%s: %d maps, %d with a window or cell placed", p, res.Maps, res.Overlays)
		case res.Legend < 2:
			t.Errorf("%s: %d legends", p, res.Legend)
		case len(res.Broken) > 0:
			t.Errorf("%s: pictures do not load: %v", p, res.Broken)
		}
	}
}
