package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/chromedp"
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
