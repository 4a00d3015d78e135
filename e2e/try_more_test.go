package e2e

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine/imageio"
	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The panel works from the keyboard alone: Enter on the button loads the
// engine, Enter on a map opens its detail, arrow keys move the position.
func TestTryByKeyboard(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	open(t, ctx, base+"index.html")
	eval[bool](t, ctx, `(document.querySelector(".try-start").focus(), true)`)
	do(t, ctx, "press Enter on the button", chromedp.KeyEvent(kb.Enter))
	eval[bool](t, ctx, waitJS(`document.querySelector(".try-result") && !document.querySelector(".try-result").hidden`))
	eval[bool](t, ctx, `(document.querySelector('.try-nb[data-layer="0"][data-n="0"]').focus(), true)`)
	do(t, ctx, "press Enter on a map", chromedp.KeyEvent(kb.Enter))
	before := eval[string](t, ctx, `document.querySelector(".try-pos").textContent`)
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "try-detail-title" {
		t.Errorf("after Enter on a map the focus is on %q, want the detail's heading", got)
	}
	eval[bool](t, ctx, `(document.querySelector(".try-picker").focus(), true)`)
	do(t, ctx, "arrow keys", chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowDown))
	after := eval[string](t, ctx, `document.querySelector(".try-pos").textContent`)
	if after == before {
		t.Errorf("arrow keys did not move the position (%q)", after)
	}
	if !eval[bool](t, ctx, `document.activeElement.classList.contains("try-picker")`) {
		t.Error("the map loses the focus when the position moves")
	}
	for _, p := range w.take() {
		t.Error(p)
	}
}

// Without WebAssembly the panel says so in the page's language, and the
// rest of the page is untouched.
func TestTryWithoutWebAssembly(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: "delete window.WebAssembly;"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"index.html", "cannot run WebAssembly"},
		{"zh-CN/index.html", "无法运行"},
	} {
		open(t, ctx, base+tc.path)
		eval[bool](t, ctx, `(document.querySelector(".try-start").click(), true)`)
		msg := eval[string](t, ctx, `new Promise(function (done) { (function look() {
			var s = document.querySelector(".try-status").textContent; if (s) return done(s); setTimeout(look, 20); })(); })`)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s without WebAssembly says %q, want a message containing %q", tc.path, msg, tc.want)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll(".overview .nb").length`); n == 0 {
			t.Errorf("%s: the overview is gone", tc.path)
		}
	}
}

// TestTryScreenshots writes the panel (not the whole page) after an upload, with a convolution
// detail open, in both languages, on a desktop and a phone, into
// screenshots/, and fails when the page is wider than the screen.
func TestTryScreenshots(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	dir := filepath.Join(sitetest.Root(t), "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file, _ := filepath.Abs(filepath.Join(sitetest.Samples(t), "images", "ankle-boot.png"))
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
			startTry(t, ctx, base+lang+"index.html")
			do(t, ctx, "upload", chromedp.SetUploadFiles("input.try-file", []string{file}))
			eval[bool](t, ctx, waitJS(`/ 9[0-9]\.|100\.0/.test(document.querySelector(".try-bar.top .pct").textContent)`))
			eval[bool](t, ctx, `(document.querySelector('.try-nb[data-layer="2"][data-n="0"]').click(), document.querySelector(".try").scrollIntoView(), true)`)
			png, err := chromedp.Run(ctx, chromedp.Screenshot(".try"))
			if err != nil {
				t.Fatal(err)
			}
			if over := eval[int64](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("%sindex.html at %dx%d with the try panel: %d px wider than the screen: %s", lang, sz.w, sz.h, over, strings.Join(eval[[]string](t, ctx, overflowJS), "; "))
			}
			code := strings.TrimSuffix(lang, "/")
			if code == "" {
				code = "en"
			}
			name := filepath.Join(dir, "try-"+code+"-"+strconv.FormatInt(sz.w, 10)+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", name)
		}
	}
}

// waitJS is a promise that resolves once cond holds (polled every 20 ms).
func waitJS(cond string) string {
	return `new Promise(function (done) { (function look() { if (` + cond + `) return done(true); setTimeout(look, 20); })(); })`
}

// The loaded panel, after an upload and with a detail open, passes
// axe-core's WCAG 2.1 A/AA rules (the page check sees it only closed).
func TestTryAxe(t *testing.T) {
	script := axeScript(t)
	base, _ := site(t)
	ctx := browser(t)
	startTry(t, ctx, base+"index.html")
	file, _ := filepath.Abs(filepath.Join(sitetest.Samples(t), "images", "coat.png"))
	do(t, ctx, "upload", chromedp.SetUploadFiles("input.try-file", []string{file}))
	eval[bool](t, ctx, `(document.querySelector('.try-nb[data-layer="0"][data-n="0"]').click(), true)`)
	vs := runAxe(t, ctx, script, `document.querySelector(".try")`, axeAll)
	for _, v := range vs {
		t.Errorf("try panel: axe %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
	}
}

// A dropped file is read like an upload, undo takes a stroke back, and a
// photo larger than the Go decoder takes (imageio.MaxSide) still gives a
// result.
func TestTryDropUndoAndLargePhoto(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	startTry(t, ctx, base+"index.html")
	data, err := os.ReadFile(filepath.Join(sitetest.Samples(t), "images", "trouser.png"))
	if err != nil {
		t.Fatal(err)
	}
	top := eval[string](t, ctx, `(function () {
		var bin = atob("`+base64.StdEncoding.EncodeToString(data)+`"), u = new Uint8Array(bin.length);
		for (var i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
		var dt = new DataTransfer();
		dt.items.add(new File([u], "trouser.png", {type: "image/png"}));
		document.querySelector(".try").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return new Promise(function (done) { (function look() {
			var b = document.querySelector(".try-bar.top .lbl");
			if (b && b.textContent === "Trouser") return done(b.textContent);
			setTimeout(look, 20);
		})(); });
	})()`)
	if top != "Trouser" {
		t.Errorf("after dropping trouser.png the top class is %q", top)
	}
	sum := `Array.from(cnnTryEngine.layerData(-1)).reduce(function (a, b) { return a + b; }, 0)`
	eval[bool](t, ctx, `(function () {
		var c = document.querySelector(".try-canvas"), r = c.getBoundingClientRect();
		var ev = function (type, f) { c.dispatchEvent(new PointerEvent(type, {pointerId: 1, bubbles: true, clientX: r.left + r.width * f, clientY: r.top + r.height * f})); };
		ev("pointerdown", 0.3); ev("pointermove", 0.5); ev("pointermove", 0.7); ev("pointerup", 0.7);
		return true;
	})()`)
	if drawn := eval[float64](t, ctx, sum); drawn <= 0 {
		t.Fatalf("after a stroke the input sums to %g", drawn)
	}
	eval[bool](t, ctx, `(document.querySelector(".try-tools button").click(), true)`)
	if undone := eval[float64](t, ctx, sum); undone != 0 {
		t.Errorf("after undo the input sums to %g, want the empty canvas's 0", undone)
	}
	big := image.NewGray(image.Rect(0, 0, imageio.MaxSide+100, 400))
	for i := range big.Pix {
		if x := i % big.Stride; x > 1900 && x < 2300 {
			big.Pix[i] = 220
		}
	}
	file := filepath.Join(t.TempDir(), "big.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, big); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	before := eval[string](t, ctx, `document.querySelector(".try-pred").textContent`)
	do(t, ctx, "upload a large photo", chromedp.SetUploadFiles("input.try-file", []string{file}))
	got := eval[string](t, ctx, `new Promise(function (done) { (function look() {
		var p = document.querySelector(".try-pred").textContent, s = document.querySelector(".try-status").textContent;
		if (p !== `+jsString(before)+`) return done("result");
		if (/could not/.test(s)) return done(s);
		setTimeout(look, 20);
	})(); })`)
	if got != "result" {
		t.Errorf("a %dx400 picture: %s", imageio.MaxSide+100, got)
	}
}
