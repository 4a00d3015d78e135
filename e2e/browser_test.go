package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPagesLoadCleanly opens every page kind (every chapter and home page
// in every language, the 404 page, and one page of each layer for the first
// sample) and fails on console errors, exceptions, failed requests and
// requests to another host.
func TestPagesLoadCleanly(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	k := knownFindings(t)
	pages := representative(shared.pages)
	for _, p := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), settle()); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, prob := range w.take() {
			k.report(t, p+": "+prob)
		}
	}
	t.Logf("%d pages of %d opened, %d requests, all to %s", len(pages), len(shared.pages), w.requests, base)
}

// TestSamplePicker clicks another sample in the home page's picker and
// checks that the overview's maps and the address change.
func TestSamplePicker(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	k := knownFindings(t)
	open(t, ctx, base+"index.html")
	before := eval[string](t, ctx, `document.querySelector(".overview .nb img").getAttribute("src")`)
	sample := eval[string](t, ctx, `document.querySelector(".overview").dataset.sample`)
	do(t, ctx, "pick the second sample",
		chromedp.Click(chromedp.CSS(`.overview .picker li:nth-child(2) a`)),
		func(ctx2 context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[bool](`document.querySelector(".overview") && document.querySelector(".overview").dataset.sample !== `+jsString(sample),
				chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))(ctx2, tg)
			return chromedp.Void{}, err
		},
		settle())
	after := eval[string](t, ctx, `document.querySelector(".overview .nb img").getAttribute("src")`)
	loc := eval[string](t, ctx, `location.href`)
	picked := eval[string](t, ctx, `(document.querySelector('.overview .picker a[aria-current]')||{}).textContent||""`)
	if before == after {
		t.Errorf("the first map stays %s after picking another sample", before)
	}
	if loc == base+"index.html" {
		t.Errorf("the address stays %s after picking another sample", loc)
	}
	if picked == "" {
		t.Error("no picker entry is marked aria-current after the swap")
	}
	for _, p := range w.take() {
		k.report(t, "picker: "+p)
	}
	// Every link and resource address of the swapped page must be the one a
	// full load of its address gives; otherwise the parts that stayed (the
	// header, the head) point relative to the old address.
	swapped := eval[[]string](t, ctx, linksJS)
	open(t, ctx, loc)
	fresh := eval[[]string](t, ctx, linksJS)
	if diff := listDiff(swapped, fresh); diff != "" {
		k.report(t, fmt.Sprintf("picker: after the swap to %s, addresses differ from a full load of it:\n%s", loc, diff))
	}
	t.Logf("sample %s -> %q: first map %s -> %s, address %s", sample, picked, before, after, loc)
}

// TestNeuronByMouseAndKeyboard opens a neuron's detail view by clicking it,
// then again by Tab and Enter alone.
func TestNeuronByMouseAndKeyboard(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	open(t, ctx, base+"index.html")
	href := eval[string](t, ctx, `document.querySelector(".overview .ov-col:not(.k-input) a.nb").href`)
	do(t, ctx, "click a neuron", chromedp.Click(chromedp.CSS(`.overview .ov-col:not(.k-input) a.nb`)), chromedp.WaitVisible(chromedp.CSS(`.detail`)))
	loc := eval[string](t, ctx, `location.href`)
	if loc != href || !eval[bool](t, ctx, `!!document.querySelector("article.detail h1")`) {
		t.Errorf("click: at %s, want the detail view %s", loc, href)
	}

	// Keyboard: Tab until a neuron has focus, then Enter.
	open(t, ctx, base+"index.html")
	focused, tabs := "", 0
	for ; tabs < 200 && focused == ""; tabs++ {
		do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
		focused = eval[string](t, ctx, `(function(a){return a && a.matches(".overview a.nb") ? a.href : ""})(document.activeElement)`)
	}
	if focused == "" {
		t.Fatalf("200 presses of Tab never reach a neuron of the overview")
	}
	status := eval[string](t, ctx, `document.querySelector(".overview .ov-status").textContent`)
	if status == "" {
		t.Errorf("a focused neuron shows nothing in the overview's status line")
	}
	do(t, ctx, "Enter on "+focused, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`.detail`)))
	if loc := eval[string](t, ctx, `location.href`); loc != focused {
		t.Errorf("Enter on %s led to %s", focused, loc)
	}
	t.Logf("mouse: %s; keyboard: %d Tabs to %s (status %q)", href, tabs, focused, status)
}

// TestLanguageSwitcher follows the switcher from the home page, a chapter
// and a neuron page to the other language and back, and lands on the same
// page each time.
func TestLanguageSwitcher(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	open(t, ctx, base+"index.html")
	langs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".langs a")).map(function(a){return a.getAttribute("hreflang")})`)
	if len(langs) < 2 {
		t.Fatalf("the switcher offers %v", langs)
	}
	def, other := langs[0], langs[1]
	for _, start := range []string{"index.html", "convolution/index.html", neuronPage(t)} {
		open(t, ctx, base+start)
		// The new language's page matches html[lang] while it is still
		// loading; settle() before the next click, or the click can land on
		// a node the rest of the load replaces.
		do(t, ctx, start+": switch to "+other, chromedp.Click(chromedp.CSS(`.langs a[hreflang="`+other+`"]`)), chromedp.WaitReady(chromedp.CSS(`html[lang="`+other+`"]`)), settle())
		loc := eval[string](t, ctx, `location.href`)
		if want := base + other + "/" + start; loc != want {
			t.Errorf("%s: the switcher to %s leads to %s, want %s", start, other, loc, want)
		}
		do(t, ctx, start+": switch back", chromedp.Click(chromedp.CSS(`.langs a[hreflang="`+def+`"]`)), chromedp.WaitReady(chromedp.CSS(`html[lang="`+def+`"]`)), settle())
		if back := eval[string](t, ctx, `location.href`); back != base+start {
			t.Errorf("%s: the switcher back to %s leads to %s", start, def, back)
		}
	}
}

// TestWithoutJavaScript turns scripts off and checks that every chapter and
// home page, and one page of each layer, still has its heading, its text and
// every picture loaded.
func TestWithoutJavaScript(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		Scripts bool
		H1      string
		Text    int
		Figures int
		Images  int
		Broken  []string
	}
	n := 0
	for _, p := range representative(shared.pages) {
		if p == "404.html" {
			continue
		}
		n++
		// Navigate waits for the load event, which waits for every eager
		// picture; settle would need timers, which do not run without scripts.
		do(t, ctx, "open "+p, chromedp.Navigate(base+p))
		// The script un-hides the range switch; hidden, it proves no script ran.
		res := eval[result](t, ctx, `(function(){
			var imgs = Array.from(document.querySelectorAll("main img"));
			`+brokenJS+`
			return {
				Scripts: !!document.querySelector(".modes:not([hidden]), .player:not([hidden])"),
				H1: (document.querySelector("main h1")||{}).textContent || "",
				Text: (document.querySelector("main")||{innerText:""}).innerText.length,
				Figures: document.querySelectorAll("main figure, main .overview").length,
				Images: imgs.length,
				Broken: imgs.filter(broken).map(function(i){return i.getAttribute("src")})
			};
		})()`)
		switch {
		case res.Scripts:
			t.Errorf("%s: scripts ran although they are off", p)
		case res.H1 == "":
			t.Errorf("%s: no heading without JavaScript", p)
		case res.Text < 80:
			t.Errorf("%s: only %d characters of text without JavaScript", p, res.Text)
		case len(res.Broken) > 0:
			t.Errorf("%s: %d of %d pictures do not load without JavaScript: %v", p, len(res.Broken), res.Images, res.Broken)
		}
		if (strings.HasPrefix(p, "s/") || strings.Contains(p, "/s/")) && res.Images == 0 {
			t.Errorf("%s: a sample's page shows no map without JavaScript", p)
		}
		if p == "index.html" && (res.Figures == 0 || res.Images < 10) {
			t.Errorf("%s: the overview is missing without JavaScript (%d figures, %d pictures)", p, res.Figures, res.Images)
		}
	}
	t.Logf("%d pages checked with JavaScript off", n)
}

// TestFromDisk opens pages as file:// addresses, as a reader who
// downloaded the site would, and checks that the stylesheet applies, every
// picture loads and no link names a folder (which would open a listing).
func TestFromDisk(t *testing.T) {
	_, out := site(t)
	ctx := browser(t)
	type result struct {
		CSS    bool
		Broken []string
		Links  []string
	}
	for _, p := range []string{"index.html", "zh-CN/index.html", "convolution/index.html", neuronPage(t)} {
		open(t, ctx, "file://"+filepath.Join(out, filepath.FromSlash(p)))
		res := eval[result](t, ctx, `(function(){
			`+brokenJS+`
			var sheets = Array.from(document.querySelectorAll('link[rel~="stylesheet"]'));
			return {
				// A stylesheet that failed to load has no sheet; from file:// its
				// rules cannot be read, so that is all there is to check.
				CSS: sheets.length > 0 && sheets.every(function(l){ return l.sheet !== null }),
				Broken: Array.from(document.images).filter(broken).map(function(i){return i.src}),
				Links: Array.from(document.querySelectorAll("a[href]")).map(function(a){return a.href}).filter(function(h){return h.indexOf("file:")===0 && /\/$/.test(h.split("#")[0])})
			};
		})()`)
		if !res.CSS {
			t.Errorf("%s from disk: the stylesheet does not load", p)
		}
		if len(res.Broken) > 0 {
			t.Errorf("%s from disk: pictures do not load: %v", p, res.Broken)
		}
		if len(res.Links) > 0 {
			t.Errorf("%s from disk: links name folders, which open as listings: %v", p, res.Links)
		}
	}
}

// TestScreenshots writes the home page, a convolution view, the softmax
// view and the Chinese home page at 1280x800 and 375x812 into screenshots/
// at the repository root, for a person to review, and fails when a page is
// wider than the screen.
func TestScreenshots(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	k := knownFindings(t)
	open(t, ctx, base+"index.html")
	conv := eval[string](t, ctx, `(document.querySelector(".ov-col.k-conv2d a.nb")||{}).href||""`)
	softmax := eval[string](t, ctx, `(document.querySelector(".ov-col.k-output a.nb, .ov-col.k-softmax a.nb, .ov-col.k-dense a.nb")||{}).href||""`)
	if conv == "" || softmax == "" {
		t.Fatalf("the overview links no convolution (%q) or softmax (%q) view", conv, softmax)
	}
	dir := filepath.Join(sitetest.Root(t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct{ name, url string }{
		{"home", base + "index.html"}, {"conv", conv}, {"softmax", softmax}, {"home-zh-CN", base + "zh-CN/index.html"},
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
		for _, s := range shots {
			open(t, ctx, s.url)
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Errorf("%s %dx%d: %v", s.name, sz.w, sz.h, err)
				continue
			}
			if over := eval[int64](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				culprits := eval[[]string](t, ctx, overflowJS)
				k.report(t, fmt.Sprintf("%s at %dx%d: the page is %d px wider than the screen; too wide: %s", s.name, sz.w, sz.h, over, strings.Join(culprits, "; ")))
			}
			name := filepath.Join(dir, s.name+"-"+strconv.FormatInt(sz.w, 10)+"x"+strconv.FormatInt(sz.h, 10)+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", name, len(png))
		}
	}
}

// brokenJS defines broken(img): a picture that finished loading without a
// picture (a missing or undecodable file), or an eager one that never
// finished. Lazy pictures below the fold have not started, which is fine.
const brokenJS = `function broken(i) {
	if (!i.getAttribute("src")) return true;
	if (i.complete) return i.naturalWidth === 0;
	return i.loading !== "lazy";
}`

// overflowJS names the outermost elements that reach past the right edge
// of the screen, with their width, at most five.
const overflowJS = `(function () {
	var W = document.documentElement.clientWidth, out = [];
	function path(e) {
		var s = [];
		for (; e && e !== document.body; e = e.parentElement) s.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : ""));
		return s.join(" > ");
	}
	Array.from(document.body.querySelectorAll("*")).forEach(function (e) {
		var r = e.getBoundingClientRect();
		if (r.right > W + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > W + 1)) out.push(path(e) + " (" + Math.round(r.width) + " px)");
	});
	return out.slice(0, 5);
})()`

// linksJS lists every address in the page, resolved: links, pictures,
// stylesheets, icons and scripts.
const linksJS = `Array.from(document.querySelectorAll("a[href], link[href], img[src], script[src]")).map(function (e) {
	return e.tagName.toLowerCase() + " " + (e.href || e.src);
}).sort()`

// listDiff describes how two sorted lists differ, at most 10 lines, or "".
func listDiff(got, want []string) string {
	in := func(list []string) map[string]int {
		m := map[string]int{}
		for _, s := range list {
			m[s]++
		}
		return m
	}
	g, w := in(got), in(want)
	var lines []string
	for _, s := range got {
		if g[s] > w[s] {
			lines = append(lines, "only after the swap: "+s)
			g[s] = w[s]
		}
	}
	for _, s := range want {
		if w[s] > in(got)[s] {
			lines = append(lines, "only in a full load:  "+s)
			w[s] = 0
		}
	}
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("... %d more", len(lines)-10))
	}
	return strings.Join(lines, "\n")
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
