package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
