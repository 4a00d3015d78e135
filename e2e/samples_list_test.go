package e2e

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/chromedp"
)

// longSampleSite builds the default site on the committed pictures plus
// copies of a few of them under new ids: more samples than a neuron page
// lists by name. It returns the output folder and the sample ids in order.
func longSampleSite(t *testing.T) (string, []string) {
	t.Helper()
	src := sitetest.Samples(t)
	dir := t.TempDir()
	samples := filepath.Join(dir, "samples")
	if err := os.CopyFS(samples, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(samples, "samples.json"))
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Samples []map[string]any `json:"samples"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	for _, s := range set.Samples[:5] {
		c := map[string]any{}
		for k, v := range s {
			c[k] = v
		}
		c["id"] = s["id"].(string) + "-again"
		set.Samples = append(set.Samples, c)
	}
	if data, err = json.Marshal(set); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(samples, "samples.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	cfg := sitetest.Config(t, out, filepath.Join(dir, "cache"))
	cfg.Samples, cfg.Try = samples, false
	sitetest.Build(t, cfg)
	var ids []string
	for _, s := range set.Samples {
		ids = append(ids, s["id"].(string))
	}
	return out, ids
}

// switchedFrom is the first sample (counting from 0) whose convolution,
// ReLU and max-pool views are the first sample's pages switched to it.
const switchedFrom = 15

// TestLongSampleList: with more samples than a neuron page lists by name,
// the page names the current sample and its neighbours and links the
// overview without JavaScript; with it, the list holds every sample, each
// link leads to the same neuron's page for that sample, the current one is
// marked (a sample from switchedFrom on has the first sample's page with
// ?s=<id>), and the page stays free of accessibility findings.
func TestLongSampleList(t *testing.T) {
	out, ids := longSampleSite(t)
	srv := httptest.NewServer(pagesHandler(out))
	defer srv.Close()
	ctx := browser(t)
	known := knownFindings(t)
	axe := axeScript(t)
	cur := ids[len(ids)/2]
	for _, lang := range []string{"", "zh-CN/"} {
		page := lang + "s/" + cur + "/conv_1_2/3/index.html"
		html, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		list := regexp.MustCompile(`(?s)<details class="dsamples".*?</details>`).Find(html)
		if n := strings.Count(string(list), "<li>"); n != 7 {
			t.Errorf("%s: without JavaScript the list names %d samples, want 7", page, n)
		}
		if !strings.Contains(string(list), `class="dmore"`) {
			t.Errorf("%s: the cut list does not say where the others are", page)
		}
		open(t, ctx, srv.URL+"/"+page)
		got := eval[struct {
			Hrefs   []string
			Current []string
			More    bool
		}](t, ctx, `(function () {
			var d = document.querySelector(".dsamples"), as = Array.from(d.querySelectorAll("li a"));
			return {
				Hrefs: as.map(function (a) { return a.getAttribute("href"); }),
				Current: as.filter(function (a) { return a.getAttribute("aria-current") === "page"; }).map(function (a) { return a.getAttribute("href"); }),
				More: !d.querySelector(".dmore").hidden
			};
		})()`)
		if len(got.Hrefs) != len(ids) {
			t.Errorf("%s: with JavaScript the list has %d samples, want %d", page, len(got.Hrefs), len(ids))
		}
		for i, h := range got.Hrefs {
			target := path.Join(path.Dir(page), h)
			want := lang + "s/" + ids[i%len(ids)] + "/conv_1_2/3/index.html"
			if i >= switchedFrom {
				want = lang + "s/" + ids[0] + "/conv_1_2/3/index.html?s=" + ids[i%len(ids)]
			}
			if i < len(ids) && target != want {
				t.Errorf("%s: entry %d links %s, want %s", page, i, target, want)
			}
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.Split(target, "?")[0]))); err != nil {
				t.Errorf("%s: entry %d links a missing page: %v", page, i, err)
			}
		}
		if len(got.Current) != 1 || got.Current[0] != "index.html" {
			t.Errorf("%s: current entries %v, want this page once", page, got.Current)
		}
		if got.More {
			t.Errorf("%s: the note about the cut list stays once the list is whole", page)
		}
		do(t, ctx, "open the list", chromedp.Click(chromedp.CSS(".dsamples summary")))
		checkAxe(t, ctx, axe, known, page)
		checkPicker(t, ctx, srv.URL, out, lang, cur, ids)
		checkAxe(t, ctx, axe, known, lang+"s/"+cur+"/index.html")
	}
}

// checkAxe runs axe-core on the open page.
func checkAxe(t *testing.T, ctx context.Context, axe []byte, known known, page string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	vs := eval[[]axeViolation](t, ctx, `axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]}).then(function (r) {
			return r.violations.map(function (v) { return {ID: v.id, Impact: v.impact || "", Help: v.help}; });
		})`)
	for _, v := range vs {
		known.report(t, page+": axe "+v.ID+" ("+v.Impact+"): "+v.Help)
	}
}

// checkPicker: the overview of sample cur names 7 samples in its picker
// without JavaScript and every sample with it, each entry linking that
// sample's overview (the first one's is the home page) and showing its
// picture.
func checkPicker(t *testing.T, ctx context.Context, base, out, lang, cur string, ids []string) {
	t.Helper()
	page := lang + "s/" + cur + "/index.html"
	html, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
	if err != nil {
		t.Fatal(err)
	}
	nav := regexp.MustCompile(`(?s)<nav class="picker".*?</nav>`).Find(html)
	if n := strings.Count(string(nav), "<li>"); n != 7 {
		t.Errorf("%s: without JavaScript the picker names %d samples, want 7", page, n)
	}
	open(t, ctx, base+"/"+page)
	got := eval[struct {
		Hrefs, Current []string
		Broken         int
	}](t, ctx, `new Promise(function (done) {
		var as = Array.from(document.querySelectorAll(".picker li a"));
		as.forEach(function (a) { a.querySelector("img").loading = "eager"; });
		setTimeout(function () {
			done({
				Hrefs: as.map(function (a) { return a.getAttribute("href"); }),
				Current: as.filter(function (a) { return a.getAttribute("aria-current") === "page"; }).map(function (a) { return a.getAttribute("data-sample"); }),
				Broken: as.filter(function (a) { var i = a.querySelector("img"); return !i.complete || !i.naturalWidth; }).length
			});
		}, 1000);
	})`)
	if len(got.Hrefs) != len(ids) {
		t.Fatalf("%s: with JavaScript the picker has %d samples, want %d", page, len(got.Hrefs), len(ids))
	}
	for i, h := range got.Hrefs {
		want := lang + "s/" + ids[i] + "/index.html"
		if i == 0 {
			want = lang + "index.html"
		}
		if target := path.Join(path.Dir(page), h); target != want {
			t.Errorf("%s: picker entry %d links %s, want %s", page, i, target, want)
		}
	}
	if len(got.Current) != 1 || got.Current[0] != cur {
		t.Errorf("%s: current picker entries %v, want %s", page, got.Current, cur)
	}
	if got.Broken > 0 {
		t.Errorf("%s: %d picker pictures do not load", page, got.Broken)
	}
}
