package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// classState is what the reader sees of the class view's highlight: the
// highlighted map figures and term rows, where each visible cell outline
// sits (as row and column of the picture under it), and the status line.
type classState struct {
	Figs, Rows []int
	Cells      [][2]int
	Status     string
	Help       bool
	Focus      string
}

const classStateJS = `(function(){
	var cv = document.querySelector(".cv"), idx = function (list) {
		return list.map(function (e, i) { return e.classList.contains("hl") ? i : -1; }).filter(function (i) { return i >= 0; });
	};
	var cells = Array.from(cv.querySelectorAll(".cbox .cell")).filter(function (o) { return !o.hidden; }).map(function (o) {
		var img = o.parentNode.querySelector("img"), r = img.getBoundingClientRect(), c = o.getBoundingClientRect();
		return [Math.floor((c.top + c.height / 2 - r.top) / r.height * +img.getAttribute("height")),
			Math.floor((c.left + c.width / 2 - r.left) / r.width * +img.getAttribute("width"))];
	});
	var f = document.activeElement;
	return {
		Figs: idx(Array.from(cv.querySelectorAll(".class-maps li"))),
		Rows: idx(Array.from(cv.querySelectorAll("table.terms tbody tr"))),
		Cells: cells,
		Status: cv.querySelector(".dstatus").textContent,
		Help: !cv.querySelector(".dhelp").hidden,
		Focus: f ? f.tagName + (f.className ? "." + f.className : "") : ""
	};
})()`

// classRow is one term row of the table as the page prints it.
type classRow struct {
	T                       string // "row,col,channel"
	I, Where, V, W, Product string
}

func classRows(t *testing.T, ctx context.Context) []classRow {
	t.Helper()
	return eval[[]classRow](t, ctx, `Array.from(document.querySelectorAll(".cv table.terms tbody tr")).map(function (tr) {
		var td = tr.querySelectorAll("td");
		return {T: tr.dataset.t || "", I: td[0].textContent, Where: td[1].textContent, V: td[2].textContent, W: td[3].textContent, Product: td[4].textContent};
	})`)
}

func parseCell(t *testing.T, s string) (y, x, c int) {
	t.Helper()
	f := strings.Split(s, ",")
	if len(f) != 3 {
		t.Fatalf("term row without its cell: data-t=%q", s)
	}
	n := make([]int, 3)
	for i := range f {
		v, err := strconv.Atoi(f[i])
		if err != nil {
			t.Fatalf("data-t=%q: %v", s, err)
		}
		n[i] = v
	}
	return n[0], n[1], n[2]
}

// checkTerm asserts that exactly the map of channel c is highlighted, its
// value map and weight picture both outline cell (y, x), and the status
// line names the term with want's numbers.
func checkTerm(t *testing.T, what string, s classState, y, x, c int, want ...string) {
	t.Helper()
	if len(s.Figs) != 1 || s.Figs[0] != c {
		t.Errorf("%s: highlighted maps %v, want channel %d", what, s.Figs, c)
	}
	if len(s.Cells) != 2 || s.Cells[0] != [2]int{y, x} || s.Cells[1] != [2]int{y, x} {
		t.Errorf("%s: cell outlines at %v, want (%d, %d) on the map and on its weights", what, s.Cells, y, x)
	}
	for _, w := range want {
		if !strings.Contains(s.Status, w) {
			t.Errorf("%s: the status line %q lacks %q", what, s.Status, w)
		}
	}
}

// TestClassTermsAndCells: in the flatten/dense view, focusing or pointing
// at a term of the table outlines its cell on its map and on its weight
// picture and names it in the status line; the arrow keys step through the
// rows and through a map's cells; pointing at any map cell names its term
// (value, weight, product) and highlights its row when it is listed. It
// does so served and from disk, in both languages.
func TestClassTermsAndCells(t *testing.T) {
	base, out := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	// Focus events fire in a page that has the focus; a headless one has
	// none unless it is emulated.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	weights := denseWeights(t)
	for _, lang := range []string{"", "zh-CN/"} {
		p := lang + pages["class"]
		for _, u := range []string{base + p, "file://" + filepath.Join(out, filepath.FromSlash(p))} {
			open(t, ctx, u)
			rows := classRows(t, ctx)
			if len(rows) < 2 {
				t.Fatalf("%s: %d term rows", u, len(rows))
			}
			k := classIndex(t, p)
			y, x, c := parseCell(t, rows[0].T)
			do(t, ctx, "focus the first term", chromedp.Focus(chromedp.CSS(`.cv table.terms tbody tr:first-child`)))
			s := eval[classState](t, ctx, classStateJS)
			if !s.Help {
				t.Errorf("%s: the help line stays hidden", u)
			}
			if len(s.Rows) != 1 || s.Rows[0] != 0 {
				t.Errorf("%s: focusing the first term highlights rows %v", u, s.Rows)
			}
			checkTerm(t, u+" first term", s, y, x, c, rows[0].Where, rows[0].V, rows[0].W, rows[0].Product)

			do(t, ctx, "arrow down", chromedp.KeyEvent(kb.ArrowDown))
			s = eval[classState](t, ctx, classStateJS)
			y, x, c = parseCell(t, rows[1].T)
			if len(s.Rows) != 1 || s.Rows[0] != 1 || !strings.HasPrefix(s.Focus, "TR") {
				t.Errorf("%s: arrow down from the first term highlights rows %v, focus on %s", u, s.Rows, s.Focus)
			}
			checkTerm(t, u+" second term", s, y, x, c, rows[1].Where, rows[1].Product)

			// Point at the first term's cell on its map: its row lights up.
			y, x, c = parseCell(t, rows[0].T)
			pointAt(t, ctx, c, y, x)
			s = eval[classState](t, ctx, classStateJS)
			if len(s.Rows) != 1 || s.Rows[0] != 0 {
				t.Errorf("%s: pointing at the first term's cell highlights rows %v", u, s.Rows)
			}
			checkTerm(t, u+" pointing at the first term's cell", s, y, x, c, rows[0].Product)

			// A cell that is not listed still names its own term.
			y, x, c = unlisted(rows)
			pointAt(t, ctx, c, y, x)
			s = eval[classState](t, ctx, classStateJS)
			if len(s.Rows) != 0 {
				t.Errorf("%s: pointing at unlisted cell (%d, %d, %d) highlights rows %v", u, y, x, c, s.Rows)
			}
			checkTerm(t, u+" unlisted cell", s, y, x, c)
			checkStatusNumbers(t, u, s.Status, weights, k, y, x, c)

			// Arrow keys on a focused map move its cell.
			do(t, ctx, "arrow up", chromedp.KeyEvent(kb.ArrowUp))
			s2 := eval[classState](t, ctx, classStateJS)
			checkTerm(t, u+" arrow up on a map", s2, max(y-1, 0), x, c)
		}
	}
	for _, pr := range w.take() {
		t.Error(pr)
	}
}

// TestClassWithoutJavaScript: with scripts off the class view is its
// static table and maps, with no status or help that cannot work.
func TestClassWithoutJavaScript(t *testing.T) {
	base, _ := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "open", chromedp.Navigate(base+pages["class"]))
	type res struct {
		Rows, Maps, Boxes int
		Help              bool
		Status            string
	}
	r := eval[res](t, ctx, `(function(){ var cv = document.querySelector(".cv"); return {
		Rows: cv.querySelectorAll("table.terms tbody tr").length,
		Maps: cv.querySelectorAll(".class-maps img").length,
		Boxes: cv.querySelectorAll(".cbox").length,
		Help: !cv.querySelector(".dhelp").hidden,
		Status: cv.querySelector(".dstatus").textContent }; })()`)
	if r.Rows == 0 || r.Maps == 0 || r.Boxes != 0 || r.Help || r.Status != "" {
		t.Errorf("without JavaScript: %+v, want rows and maps, no boxes, help or status", r)
	}
}

// pointAt moves the mouse to the middle of cell (y, x) of channel c's
// value map and leaves the keyboard focus on that map.
func pointAt(t *testing.T, ctx context.Context, c, y, x int) {
	t.Helper()
	li := `.cv .class-maps li:nth-child(` + strconv.Itoa(c+1) + `)`
	// Focus first: focusing may scroll, and a scroll under a resting
	// pointer moves it over another cell.
	// The map goes to the middle of the screen: at an edge the sticky
	// status line may lie over it.
	do(t, ctx, "focus the map", chromedp.Focus(chromedp.CSS(li+` .cbox`)))
	at := eval[[]float64](t, ctx, `(function(){ var i = document.querySelector(`+jsString(li+` .cbox img`)+`); i.scrollIntoView({block: "center"}); var r = i.getBoundingClientRect();
		return [r.left + (`+strconv.Itoa(x)+` + .5) * r.width / +i.getAttribute("width"), r.top + (`+strconv.Itoa(y)+` + .5) * r.height / +i.getAttribute("height")]; })()`)
	do(t, ctx, "point at a cell", chromedp.MouseEvent("mouseMoved", at[0], at[1]))
}

// unlisted is a cell of the last map, away from the top edge, whose term
// the table does not list.
func unlisted(rows []classRow) (y, x, c int) {
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r.T] = true
	}
	for y := 6; y > 0; y-- {
		for x := 0; x < 7; x++ {
			if !listed[strconv.Itoa(y)+","+strconv.Itoa(x)+",9"] {
				return y, x, 9
			}
		}
	}
	return 6, 6, 9
}

// denseWeights reads the output layer's weights from the model the site
// was built from, independently of the page's data scripts: Weights[o][i]
// is the weight from flattened input i into class o, and Map the shape of
// the map the flatten layer reads.
func denseWeights(t *testing.T) struct {
	Map     []int
	Weights [][]float64
} {
	t.Helper()
	var dv struct {
		Map     []int
		Weights [][]float64
	}
	m, err := modelfile.Load(sitetest.Samples(t))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Forward(engine.NewTensor(m.Input.Shape...))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range m.Layers {
		d, ok := l.(*engine.Dense)
		if !ok || l.Name() != "output" {
			continue
		}
		if i > 0 {
			dv.Map = tr.LayerInput(i - 1).Shape
		}
		for o := 0; o < d.Out; o++ {
			row := make([]float64, d.In)
			for k := range row {
				row[k] = float64(d.Kernel[k*d.Out+o])
			}
			dv.Weights = append(dv.Weights, row)
		}
	}
	if dv.Weights == nil {
		t.Fatal("the model has no dense layer named output")
	}
	return dv
}

func classIndex(t *testing.T, page string) int {
	t.Helper()
	m := regexp.MustCompile(`/output/(\d+)/index\.html$`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s is not a class page", page)
	}
	k, _ := strconv.Atoi(m[1])
	return k
}

// checkStatusNumbers: the status line of cell (y, x, c) gives its flat
// index, the weight the model has there, and a product equal to value
// times weight.
func checkStatusNumbers(t *testing.T, u, status string, dv struct {
	Map     []int
	Weights [][]float64
}, k, y, x, c int) {
	t.Helper()
	if len(dv.Map) != 3 {
		t.Fatalf("the flatten layer reads a map of shape %v", dv.Map)
	}
	i := (y*dv.Map[1]+x)*dv.Map[2] + c
	nums := regexp.MustCompile(`-?\d+(?:\.\d+)?`).FindAllString(status, -1)
	// The numbers in order: index, row, column, channel, value, weight, product.
	if len(nums) != 7 {
		t.Fatalf("%s: status %q has %d numbers, want 7", u, status, len(nums))
	}
	f := make([]float64, len(nums))
	for j, s := range nums {
		f[j], _ = strconv.ParseFloat(s, 64)
	}
	if int(f[0]) != i {
		t.Errorf("%s: status %q names term %v, want %d", u, status, f[0], i)
	}
	if want := dv.Weights[k][i]; math.Abs(f[5]-want) > 0.0006 {
		t.Errorf("%s: status %q gives weight %v, the model has %.4f", u, status, f[5], want)
	}
	if math.Abs(f[4]*f[5]-f[6]) > 0.002+0.0006*(math.Abs(f[4])+math.Abs(f[5])) {
		t.Errorf("%s: status %q: %v × %v is not %v", u, status, f[4], f[5], f[6])
	}
}

// TestClassScreenshots writes the class view with a term picked on its map,
// desktop and phone, both languages, into screenshots/detail-class-term-*.png,
// and checks that the status line does not widen the page.
func TestClassScreenshots(t *testing.T) {
	base, _ := site(t)
	pages := detailPages(t)
	ctx := browser(t)
	dir := filepath.Join(sitetest.Root(t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sz := range viewports {
		setViewport(t, ctx, sz)
		for _, lang := range []string{"", "zh-CN/"} {
			p := lang + pages["class"]
			open(t, ctx, base+p)
			rows := classRows(t, ctx)
			if len(rows) == 0 {
				t.Fatalf("%s: no term rows", p)
			}
			y, x, c := parseCell(t, rows[0].T)
			pointAt(t, ctx, c, y, x)
			checkTerm(t, fmt.Sprintf("%s at %dx%d", p, sz.w, sz.h), eval[classState](t, ctx, classStateJS), y, x, c, rows[0].Product)
			if over := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("%s at %dx%d: the page is %d px wider than the screen", p, sz.w, sz.h, over)
			}
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("detail-class-term-%s%dx%d.png", strings.ReplaceAll(lang, "/", "-"), sz.w, sz.h)
			if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote screenshots/%s", name)
		}
	}
}
