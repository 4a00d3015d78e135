package sitecheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree lays out files (slash path -> content) under a new folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, s := range files {
		name := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func doc(body string) string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>` +
		`<link rel="stylesheet" href="style.css"></head><body>` + body + `</body></html>`
}

func TestCheck(t *testing.T) {
	okCSS := `body{background:url("a.png")}`
	cases := []struct {
		name  string
		files map[string]string
		opt   Options
		want  []string // "file: rule" or "file:line: rule", each must appear; nil means no problem
	}{
		{name: "clean", files: map[string]string{
			"index.html":        doc(`<a href="b/index.html#x">b</a><img src="a.png" alt="a"><a href="#top" id="top">t</a>`),
			"b/index.html":      doc(`<h1 id="x">x</h1><a href="../index.html">up</a><a href="https://example.org/">out</a>`),
			"style.css":         okCSS,
			"b/style.css":       okCSS,
			"a.png":             "png",
			"b/a.png":           "png",
			"404.html":          `<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="/style.css"></head><body><a href="/index.html">home</a></body></html>`,
			"data/s/x.json":     "{}",
			"detail.html":       doc(`<div data-base="data/s/" data-detail='{"in":"x"}'></div><img src="a.png" alt="" data-module="a.png">`),
			"svg/fig.svg":       `<svg xmlns="http://www.w3.org/2000/svg"><image href="../a.png"/></svg>`,
			"inline.html":       doc(`<svg role="img" aria-label="f"><path d="M0 0"></path></svg><math><mi>x</mi></math>`),
			"script.js":         `var ns="http://www.w3.org/2000/svg";fetch("data/s/x.json")`,
			"scripted.html":     doc(`<script src="script.js" defer></script><script>var a=1;</script>`),
			"unicode/é.html":    doc(`<a href="../a%20b.png">x</a>`),
			"a b.png":           "png",
			"unicode/style.css": `a{}`,
			"schemes.html":      doc(`<a href="urn:isbn:0451450523">book</a><a href="news:comp.lang.go">news</a>`),
		}},
		{name: "broken link", files: map[string]string{
			"index.html": doc(`<a href="missing/index.html">x</a>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: broken-link"}},
		{name: "broken src in a subfolder", files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "", "s/index.html": doc(`<img src="a.png" alt="x">`),
		}, want: []string{"s/index.html: broken-link"}},
		{name: "missing fragment", files: map[string]string{
			"index.html": doc(`<a href="#nowhere">x</a>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: fragment"}},
		{name: "folder link", files: map[string]string{
			"index.html": doc(`<a href="b/">x</a>`), "b/index.html": doc(``), "style.css": okCSS, "a.png": "", "b/style.css": okCSS, "b/a.png": "",
		}, want: []string{"index.html: folder-link"}},
		{name: "root-absolute link", files: map[string]string{
			"index.html": doc(`<img src="/a.png" alt="x">`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: root-absolute"}},
		{name: "404 outside the base path", opt: Options{BasePath: "/repo/"}, files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "", "404.html": doc(`<a href="/index.html">x</a>`),
		}, want: []string{"404.html: broken-link"}},
		{name: "404 relative", files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "", "404.html": doc(`<a href="index.html">x</a>`),
		}, want: []string{"404.html: broken-link"}},
		{name: "climbs above the root", files: map[string]string{
			"index.html": doc(`<a href="../index.html">x</a>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: broken-link"}},
		{name: "image from another host", files: map[string]string{
			"index.html": doc(`<img src="https://cdn.example.com/a.png" alt="x">`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: other-host"}},
		{name: "protocol-relative script", files: map[string]string{
			"index.html": doc(`<script src="//cdn.example.com/x.js"></script>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: other-host"}},
		{name: "stylesheet from another host", files: map[string]string{
			"index.html": `<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="https://fonts.example.com/css"></head><body></body></html>`,
		}, want: []string{"index.html: other-host"}},
		{name: "css url from another host", files: map[string]string{
			"index.html": doc(``), "style.css": `@font-face{src:url(https://fonts.example.com/f.woff2)}`,
		}, want: []string{"style.css:1: other-host"}},
		{name: "css import from another host", files: map[string]string{
			"index.html": doc(``), "style.css": "a{}\n@import 'https://x.example.com/y.css';",
		}, want: []string{"style.css:2: other-host"}},
		{name: "broken css url", files: map[string]string{
			"index.html": doc(``), "style.css": okCSS,
		}, want: []string{"style.css:1: broken-link"}},
		{name: "style attribute from another host", files: map[string]string{
			"index.html": doc(`<div style="background:url('http://x.example.com/a.png')"></div>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: other-host"}},
		{name: "script fetches another host", files: map[string]string{
			"index.html": doc(`<script src="s.js"></script>`), "style.css": okCSS, "a.png": "", "s.js": "\nfetch('https://api.example.com/v1')",
		}, want: []string{"s.js:2: other-host"}},
		{name: "inline script names another host", files: map[string]string{
			"index.html": doc(`<script>new Image().src="https://t.example.com/p.gif"</script>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: other-host"}},
		{name: "svg file loads another host", files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "", "f.svg": `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://x.example.com/a.png"/></svg>`,
		}, want: []string{"f.svg: other-host"}},
		{name: "missing data file for the detail player", files: map[string]string{
			"index.html": doc(`<div data-base="data/s/" data-detail='{"in":"conv_1"}'></div>`), "style.css": okCSS, "a.png": "", "data/s/other.json": "",
		}, want: []string{"index.html: broken-link"}},
		{name: "missing data folder", files: map[string]string{
			"index.html": doc(`<div data-base="data/none/"></div>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: broken-link"}},
		{name: "missing alternative picture", files: map[string]string{
			"index.html": doc(`<img src="a.png" alt="" data-global="g/a.png">`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: broken-link"}},
		{name: "unclosed element", files: map[string]string{
			"index.html": "<!DOCTYPE html>\n<html lang=\"en\"><body>\n<div><p>x</div>\n</body></html>",
		}, want: []string{"index.html:3: html"}},
		{name: "stray end tag", files: map[string]string{
			"index.html": doc(`</span>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: html"}},
		{name: "self-closed div", files: map[string]string{
			"index.html": doc(`<div/>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: html"}},
		{name: "no doctype", files: map[string]string{
			"index.html": `<html lang="en"><body></body></html>`,
		}, want: []string{"index.html:1: html"}},
		{name: "no lang", files: map[string]string{
			"index.html": `<!DOCTYPE html><html><body></body></html>`,
		}, want: []string{"index.html: html"}},
		{name: "malformed inline svg", files: map[string]string{
			"index.html": doc(`<svg><g></svg>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: html"}},
		{name: "duplicate id", files: map[string]string{
			"index.html": doc(`<h2 id="a">x</h2><h2 id="a">y</h2>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: duplicate-id"}},
		{name: "image without alt", files: map[string]string{
			"index.html": doc(`<img src="a.png">`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: text-alt"}},
		{name: "unnamed svg figure", files: map[string]string{
			"index.html": doc(`<svg role="img"><path d="M0 0"></path></svg>`), "style.css": okCSS, "a.png": "",
		}, want: []string{"index.html: text-alt"}},
		{name: "unnamed object", files: map[string]string{
			"index.html": doc(`<object data="f.svg" type="image/svg+xml"></object>`), "style.css": okCSS, "a.png": "", "f.svg": `<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		}, want: []string{"index.html: text-alt"}},
		{name: "home over budget", opt: Options{HomeBudget: 1000}, files: map[string]string{
			"index.html": doc(`<img src="big.png" alt="x">`), "style.css": okCSS, "a.png": strings.Repeat("x", 600), "big.png": strings.Repeat("x", 600),
		}, want: []string{"index.html: budget"}},
		{name: "second language's home over budget", opt: Options{HomeBudget: 1000, HomePages: []string{"index.html", "zh-CN/index.html"}}, files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "",
			"zh-CN/index.html": doc(`<img src="../big.png" alt="x">`), "zh-CN/style.css": okCSS, "zh-CN/a.png": "", "big.png": strings.Repeat("x", 2000),
		}, want: []string{"zh-CN/index.html: budget"}},
		{name: "lazy image is not first load", opt: Options{HomeBudget: 1000}, files: map[string]string{
			"index.html": doc(`<img src="big.png" alt="x" loading="lazy">`), "style.css": okCSS, "a.png": "", "big.png": strings.Repeat("x", 2000),
		}},
		{name: "page over budget through its stylesheet", opt: Options{PageBudget: 1000}, files: map[string]string{
			"index.html": doc(``), "p/index.html": doc(``), "style.css": okCSS, "a.png": "", "p/style.css": okCSS, "p/a.png": strings.Repeat("x", 2000),
		}, want: []string{"p/index.html: budget"}},
		{name: "scripts over budget", opt: Options{JSBudget: 100}, files: map[string]string{
			"index.html": doc(`<script>` + strings.Repeat(";", 60) + `</script>`), "style.css": okCSS, "a.png": "", "s.js": strings.Repeat(";", 60),
		}, want: []string{": budget"}},
		{name: "try panel scripts stay out of the script budget", opt: Options{JSBudget: 100}, files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "", "try/engine.js": strings.Repeat(";", 5000),
		}},
		{name: "try panel scripts over their gzip budget", opt: Options{TryBudget: 100}, files: map[string]string{
			"index.html": doc(``), "style.css": okCSS, "a.png": "", "try/engine.js": strings.Repeat("x", 100) + randomText(400),
		}, want: []string{"try/: budget"}},
		{name: "detail data scripts are not code", opt: Options{JSBudget: 100}, files: map[string]string{
			"index.html": doc(`<script src="data/s/x.js"></script>`), "style.css": okCSS, "a.png": "", "data/s/x.js": "self.d=[" + strings.Repeat("1,", 100) + "1]",
		}},
		{name: "detail data scripts are checked for hosts", files: map[string]string{
			"index.html": doc(`<script src="data/s/x.js"></script>`), "style.css": okCSS, "a.png": "", "data/s/x.js": "\nfetch('https://api.example.com/v1')",
		}, want: []string{"data/s/x.js:2: other-host"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Check(writeTree(t, tc.files), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range rep.Problems {
				got = append(got, p.String())
			}
			if tc.want == nil && len(got) > 0 {
				t.Fatalf("want no problem, got:\n%s", strings.Join(got, "\n"))
			}
			for _, w := range tc.want {
				found := false
				for _, p := range rep.Problems {
					noLine := Problem{File: p.File, Rule: p.Rule, Msg: p.Msg}
					found = found || strings.HasPrefix(p.String(), w+":") || strings.HasPrefix(noLine.String(), w+":")
				}
				if !found {
					t.Errorf("want a problem starting %q, got:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

func TestCheckCountsFirstLoadOnce(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"index.html": doc(`<img src="a.png" alt="x"><img src="a.png" alt="y"><img src="lazy.png" alt="z" loading="lazy">`),
		"style.css":  `a{background:url(a.png)}`,
		"a.png":      "0123456789",
		"lazy.png":   "0123456789",
	})
	rep, err := Check(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	want := int64(len(html)) + int64(len(`a{background:url(a.png)}`)) + 10
	if got := rep.Loads["index.html"]; got != want {
		t.Errorf("first load = %d, want %d (page, stylesheet and one picture)", got, want)
	}
}

func TestCheckMissingFolder(t *testing.T) {
	if _, err := Check(filepath.Join(t.TempDir(), "none"), Options{}); err == nil {
		t.Fatal("no error for a folder that does not exist")
	}
}

// randomText is text gzip cannot shrink much: a fixed xorshift sequence.
func randomText(n int) string {
	b, x := make([]byte, n), uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = 'a' + byte(x%26)
	}
	return string(b)
}
