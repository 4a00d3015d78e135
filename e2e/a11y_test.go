package e2e

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeTags are the rule sets of WCAG 2.1 levels A and AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]`

// axeAll runs every rule of axeTags.
const axeAll = `{type: "tag", values: ` + axeTags + `}`

type axeViolation struct {
	ID     string
	Impact string
	Help   string
	Nodes  []string
}

// runAxe injects axe-core (script) into the open page and returns the
// violations within scope (a JavaScript expression for a node) of the rules
// runOnly names (an axe runOnly object).
func runAxe(t *testing.T, ctx context.Context, script []byte, scope, runOnly string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(script))); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	return eval[[]axeViolation](t, ctx, `axe.run(`+scope+`, {runOnly: `+runOnly+`, resultTypes: ["violations"]}).then(function (r) {
		return r.violations.map(function (v) {
			return {ID: v.id, Impact: v.impact || "", Help: v.help, Nodes: v.nodes.slice(0, 5).map(function (n) {
				return n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\s+/g, " ");
			})};
		});
	})`)
}

// TestAxe injects axe-core (node_modules/axe-core/axe.min.js, read from
// disk: no network) into every page kind, in both colour schemes, and fails
// on any WCAG 2.1 A or AA violation that the committed list of known
// findings does not name.
func TestAxe(t *testing.T) {
	script := axeScript(t)
	base, _ := site(t)
	ctx := browser(t)
	known := knownFindings(t)
	pages := representative(shared.pages)
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		// Only colours change in the dark scheme: check contrast alone there,
		// on the pages that are not per-sample views and two that are.
		tags, sampled := axeAll, 0
		if scheme == "dark" {
			tags = `{type: "rule", values: ["color-contrast"]}`
		}
		for _, p := range pages {
			if scheme == "dark" && strings.Contains(p, "s/") {
				if sampled++; sampled > 2 {
					continue
				}
			}
			open(t, ctx, base+p)
			vs := runAxe(t, ctx, script, `document`, tags)
			for _, v := range vs {
				known.report(t, p+" ("+scheme+"): axe "+v.ID+" ("+v.Impact+"): "+v.Help+"\n    "+strings.Join(v.Nodes, "\n    "))
			}
		}
	}
	t.Logf("axe-core ran on %d pages (all WCAG 2.1 A/AA rules) and colour contrast on a sample in dark mode", len(pages))
}

// TestFigureAlternatives checks in the browser that every picture, SVG
// figure and object has a text alternative, that an empty alt is used only
// where the enclosing control is named, and that on the Chinese pages the
// alternatives are Chinese, from that language's strings.
func TestFigureAlternatives(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	known := knownFindings(t)
	for _, p := range representative(shared.pages) {
		open(t, ctx, base+p)
		bad := eval[[]string](t, ctx, `(function () {
			var out = [], zh = document.documentElement.lang.indexOf("zh") === 0;
			function named(e) {
				var l = e.closest("[aria-label], [aria-labelledby]");
				return l && (l.getAttribute("aria-label") || l.getAttribute("aria-labelledby")).trim() !== "";
			}
			function desc(e) { return e.outerHTML.slice(0, 160); }
			document.querySelectorAll("img").forEach(function (i) {
				if (!i.hasAttribute("alt")) { out.push("no alt: " + desc(i)); return; }
				var alt = i.getAttribute("alt").trim();
				if (alt === "") {
					if (!named(i) && !i.closest("[aria-hidden=true]")) out.push("empty alt outside a named control: " + desc(i));
					return;
				}
				if (zh && !/[\u3400-\u9fff]/.test(alt) && !i.closest("[lang]:not(html)")) out.push("alt not in Chinese: " + desc(i));
			});
			document.querySelectorAll("svg[role=img], [role=img]").forEach(function (s) {
				var title = s.querySelector(":scope > title");
				if (!named(s) && !(title && title.textContent.trim())) out.push("unnamed role=img: " + desc(s));
			});
			document.querySelectorAll("object").forEach(function (o) {
				if (!named(o) && !o.getAttribute("title") && !o.textContent.trim()) out.push("object without alternative: " + desc(o));
			});
			return out;
		})()`)
		for _, b := range bad {
			known.report(t, p+": "+b)
		}
	}
}

// TestFocusVisible presses Tab through the start of the home page and a
// neuron page and checks that every element that takes focus shows it: a
// visible outline or a box shadow.
func TestFocusVisible(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	for _, p := range []string{"index.html", neuronPage(t)} {
		open(t, ctx, base+p)
		seen := 0
		for i := 0; i < 30; i++ {
			do(t, ctx, "Tab", chromedp.KeyEvent(kb.Tab))
			got := eval[[]string](t, ctx, `(function (e) {
				if (!e || e === document.body) return ["", ""];
				var s = getComputedStyle(e), visible = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
				return [e.outerHTML.slice(0, 120), visible ? "yes" : s.outlineStyle + " " + s.outlineWidth + " / " + s.boxShadow];
			})(document.activeElement)`)
			if got[0] == "" {
				continue
			}
			seen++
			if got[1] != "yes" {
				t.Errorf("%s: Tab %d focuses %s with no visible focus (outline %s)", p, i+1, got[0], got[1])
			}
		}
		if seen < 5 {
			t.Errorf("%s: only %d of 30 Tab presses focused an element", p, seen)
		}
	}
}

// TestReducedMotion emulates prefers-reduced-motion: reduce and checks that
// nothing moves: no running CSS animation in the pages with animated
// figures, nor inside the animated SVG figures themselves. Without the
// setting the same SVGs must animate, which shows that the check can see
// motion at all.
func TestReducedMotion(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	pages := []string{"index.html", "convolution/index.html", neuronPage(t)}
	var svgs []string
	for _, reduce := range []bool{false, true} {
		value := "no-preference"
		if reduce {
			value = "reduce"
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: value}}}); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			open(t, ctx, base+p)
			if !reduce {
				found := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("img")).map(function (i) { return i.src }).filter(function (s) { return /\.svg$/.test(s) && s.indexOf("/figures/") >= 0 })`)
				for _, s := range found {
					if len(svgs) < 6 && !contains(svgs, s) {
						svgs = append(svgs, s)
					}
				}
				continue
			}
			running := eval[[]string](t, ctx, `document.getAnimations().filter(function (a) { return a.playState === "running" }).map(function (a) {
				var e = a.effect && a.effect.target; return (a.animationName || a.transitionProperty || "animation") + " on " + (e ? e.outerHTML.slice(0, 80) : "?");
			})`)
			for _, r := range running {
				t.Errorf("%s: with reduced motion, %s runs", p, r)
			}
		}
		moving := 0
		for _, s := range svgs {
			open(t, ctx, s)
			n := eval[int](t, ctx, `document.getAnimations().filter(function (a) { return a.playState === "running" }).length`)
			if reduce && n > 0 {
				t.Errorf("%s: %d animations run with reduced motion", s, n)
			}
			if n > 0 {
				moving++
			}
		}
		if !reduce && len(svgs) > 0 && moving == 0 {
			t.Errorf("none of the SVG figures %v animates without reduced motion: the check sees no motion at all", svgs)
		}
	}
	if len(svgs) == 0 {
		t.Errorf("no animated SVG figure found on %v", pages)
	}
	t.Logf("animated figures checked: %v", svgs)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// known is the committed list of findings in files that H9 does not own
// (testdata/known-findings.txt): pattern, then the note that says where
// the finding is written down.
type known [][2]string

// axeScript is axe-core's script, from node_modules.
func axeScript(t *testing.T) []byte {
	t.Helper()
	script, err := os.ReadFile(sitetest.NodeTool(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return script
}

func knownFindings(t *testing.T) known {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "known-findings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var k known
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pat, note, _ := strings.Cut(line, " # ")
		k = append(k, [2]string{strings.TrimSpace(pat), strings.TrimSpace(note)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return k
}

// report fails the test with msg unless a known finding names it, in
// which case it logs it with the finding's note.
func (k known) report(t *testing.T, msg string) {
	t.Helper()
	if note := k.match(msg); note != "" {
		t.Logf("known (%s): %s", note, msg)
		return
	}
	t.Error(msg)
}

// match returns the note of the first pattern that msg contains, or "".
func (k known) match(msg string) string {
	for _, e := range k {
		if strings.Contains(msg, e[0]) {
			return e[1]
		}
	}
	return ""
}
