package e2e

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"cnnexplainer/sitecheck"
)

// switchState is what a reader sees of a detail view, with the links and
// pictures of sample `from` written as those of sample `to`.
type switchState struct {
	Title, H1, Pos, Value, Math, Sum string
	Cells, Outputs, Ranges, Captions []string
	Legends, Pictures, Links         []string
	Broken                           []string // pictures that did not load
}

// viewScript reads the open view after redrawing it at its position
// (next, then previous, so that a page built in Go and one drawn by the
// script are compared as the script draws them).
const viewScript = `(function (from, to) {
	function all(sel, f) { return Array.from(document.querySelectorAll(sel)).map(f); }
	function txt(el) { return el ? el.textContent.trim() : ""; }
	var dv = document.querySelector(".dv"), parts = Array.from(dv.querySelectorAll("[data-role=part] img"));
	dv.querySelector('[data-act="next"]').click();
	dv.querySelector('[data-act="prev"]').click();
	// A switched page's own links to its sample's views name the host's
	// page with ?s=<id>: write both as the sample's own path.
	function norm(u) {
		var m = /\/s\/[^/]+\/(.*)\?s=([^&#]+)$/.exec(u);
		if (m) u = u.slice(0, u.indexOf("/s/")) + "/s/" + decodeURIComponent(m[2]) + "/" + m[1];
		return u.split(from).join(to);
	}
	return {
		Title: document.title.split(from).join(to), H1: txt(document.querySelector("h1")),
		Pos: txt(dv.querySelector(".pos")), Value: txt(dv.querySelector(".dval")), Math: txt(dv.querySelector(".math")),
		Sum: txt(dv.querySelector(".dsum .sum")),
		Cells: all(".dv td", txt), Outputs: all(".dv output", txt),
		Ranges: all(".dv .mapbox", function (b) { return b.dataset.lo + " " + b.dataset.hi; }),
		Captions: all(".dv figcaption", txt),
		Legends: all(".dv .dlegend", function (l) { return txt(l) + " " + (l.querySelector(".dl-bar").getAttribute("style") || ""); }),
		// A strip of intermediate maps stands for its channels' files.
		Pictures: all("main img", function (i) {
			var k = parts.indexOf(i), u = i.src;
			if (k >= 0) u = u.replace(/contrib\/(\d+)\.png$/, "contrib/$1/" + k + ".png");
			return norm(u);
		}),
		Broken: all("main img", function (i) { return i.complete && i.naturalWidth > 0 ? "" : i.src; }).filter(Boolean),
		Links: all("main a[href]:not(.dsamples a), .langs a", function (a) { return norm(a.href); })
	};
})`

// stripScript checks, on a switched view whose intermediate maps are
// strips, that each channel's picture shows its own part of the strip
// (object-fit and object-position) and that the part has the pixels of
// the file the original sample has for that channel (from, to: the ids).
const stripScript = `(function (from, to) {
	var parts = Array.from(document.querySelectorAll(".dv [data-role=part] img")), bad = [];
	function pixels(img, y, h) {
		var c = document.createElement("canvas"), g = c.getContext("2d");
		c.width = img.naturalWidth; c.height = h;
		g.drawImage(img, 0, y, img.naturalWidth, h, 0, 0, img.naturalWidth, h);
		return Array.from(g.getImageData(0, 0, c.width, h).data).join(",");
	}
	function load(u) { return new Promise(function (ok) { var i = new Image(); i.onload = function () { ok(i); }; i.onerror = function () { ok(null); }; i.src = u; }); }
	return Promise.all(parts.map(function (img, c) {
		var st = getComputedStyle(img), want = parts.length > 1 ? c / (parts.length - 1) * 100 : 0, at = st.objectPosition.split(" ");
		if (!/contrib\/\d+\.png$/.test(img.src)) { bad.push(img.src + ": not a strip"); return null; }
		var r = img.getBoundingClientRect();
		if (Math.abs(r.width * img.getAttribute("height") - r.height * img.getAttribute("width")) > 1) bad.push(img.src + ": shown " + r.width + "x" + r.height + ", not in the map's shape");
		if (st.objectFit !== "cover" || parseFloat(at[0]) !== 0 || !/%$/.test(at[1]) || Math.abs(parseFloat(at[1]) - want) > 0.01) {
			bad.push(img.src + ": object-fit " + st.objectFit + ", position " + st.objectPosition + ", want 0 " + want + "%");
		}
		var own = img.src.split("/s/" + from + "/").join("/s/" + to + "/").replace(/contrib\/(\d+)\.png$/, "contrib/$1/" + c + ".png");
		return Promise.all([load(img.src), load(own)]).then(function (ims) {
			if (!ims[0] || !ims[1]) { bad.push(own + ": does not load"); return; }
			var h = ims[1].naturalHeight;
			if (pixels(ims[0], c * h, h) !== pixels(ims[1], 0, h)) bad.push(img.src + ": channel " + c + " differs from " + own);
		});
	})).then(function () { return bad; });
})`

// TestSwitchedSample: past the first samples of a long list, a sample has
// no convolution, ReLU or max-pool pages of its own; its view is the first
// sample's page with ?s=<id>. The long list's later samples are copies of
// earlier pictures under new ids, so a copy switched into the host page
// must show exactly what the original's own page shows (position, window
// values, formula, ranges, legends, title), with its own pictures, which
// load, and links that lead to its own views.
func TestSwitchedSample(t *testing.T) {
	out, ids := longSampleSite(t)
	host, orig := ids[0], ids[2]
	cp := orig + "-again"
	if ids[switchedFrom+1] != cp {
		t.Fatalf("sample 16 is %s, want %s (the long list changed)", ids[16], cp)
	}
	// Every link of the long site, the switched ones included, names a
	// page that exists.
	res, cerr := sitecheck.Check(out, sitecheck.Options{})
	if cerr != nil {
		t.Fatal(cerr)
	}
	for _, p := range res.Problems {
		t.Errorf("sitecheck: %v", p)
	}
	srv := httptest.NewServer(pagesHandler(out))
	defer srv.Close()
	ctx := browser(t)
	known := knownFindings(t)
	axe := axeScript(t)
	for _, lang := range []string{"", "zh-CN/"} {
		for _, view := range []string{"conv_1_1/0", "conv_1_2/3", "relu_1_2/5", "max_pool_1/7", "conv_2_2/9", "max_pool_2/1"} {
			own := lang + "s/" + cp + "/" + view + "/index.html"
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(own))); err == nil {
				t.Errorf("%s exists: a switched sample has no page of its own", own)
			}
			want := lang + "s/" + orig + "/" + view + "/index.html"
			open(t, ctx, srv.URL+"/"+want)
			w := eval[switchState](t, ctx, viewScript+"("+jsString("\x00")+","+jsString("\x00")+")")
			got := lang + "s/" + host + "/" + view + "/index.html?s=" + cp
			open(t, ctx, srv.URL+"/"+got)
			g := eval[switchState](t, ctx, viewScript+"("+jsString(cp)+","+jsString(orig)+")")
			if len(g.Broken) > 0 {
				t.Errorf("%s: pictures that do not load: %v", got, g.Broken)
			}
			if strings.HasPrefix(view, "conv") {
				for _, b := range eval[[]string](t, ctx, stripScript+"("+jsString(cp)+","+jsString(orig)+")") {
					t.Errorf("%s: %s", got, b)
				}
			}
			g.Broken, w.Broken = nil, nil
			if !reflect.DeepEqual(g, w) {
				gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
				for i := 0; i < gv.NumField(); i++ {
					if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
						t.Errorf("%s differs from %s in %s:\n got %v\nwant %v", got, want, gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
					}
				}
			}
			if view == "conv_1_2/3" {
				checkAxe(t, ctx, axe, known, got)
				// From disk, as a reader who downloaded the site opens it.
				open(t, ctx, "file://"+filepath.Join(out, filepath.FromSlash(lang+"s/"+host+"/"+view+"/index.html"))+"?s="+cp)
				d := eval[switchState](t, ctx, viewScript+"("+jsString(cp)+","+jsString(orig)+")")
				if d.Math != w.Math || d.Pos != w.Pos || len(d.Broken) > 0 {
					t.Errorf("%s from disk: formula %q at %q (broken pictures %v), want %q at %q", got, d.Math, d.Pos, d.Broken, w.Math, w.Pos)
				}
			}
		}
	}
}
