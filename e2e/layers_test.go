package e2e

import (
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"cnnexplainer/engine/imageio"
	"cnnexplainer/engine/modelfile"
	"cnnexplainer/sitecheck/sitetest"
)

// TestNewLayerKindsStepping builds the site of the model made of the layer
// kinds TinyVGG lacks and steps each kind's detail view one position on:
// the script must show the value the engine computed there, in the value
// line and the formula, without a console error; an output of one cell
// shows no player.
func TestNewLayerKindsStepping(t *testing.T) {
	dir := t.TempDir()
	root := sitetest.Root(t)
	pics := filepath.Join(dir, "pictures")
	if err := os.MkdirAll(pics, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(sitetest.Samples(t), "images", "coat.png"))
	if err != nil {
		t.Fatal(err)
	}
	pic := filepath.Join(pics, "coat.png")
	if err := os.WriteFile(pic, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	cfg := sitetest.Config(t, out, filepath.Join(dir, "cache"))
	cfg.Samples, cfg.Try = pics, false
	cfg.Model = filepath.Join(root, "engine", "onnx", "testdata", "layers-fashion", "model.onnx")
	sitetest.Build(t, cfg)
	srv := httptest.NewServer(pagesHandler(out))
	defer srv.Close()

	m, err := modelfile.Load(cfg.Model)
	if err != nil {
		t.Fatal(err)
	}
	x, err := imageio.Load(pic, m.Input)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	w := newWatch(t, ctx, srv.URL+"/")
	for _, layer := range []string{"features.1", "features.2", "features.3", "features.6", "features.8", "features.9"} {
		t.Run(layer, func(t *testing.T) {
			y := tr.Output(layer)
			open(t, ctx, srv.URL+"/s/coat/"+layer+"/0/index.html")
			got := eval[[]string](t, ctx, `(function () {
				document.querySelector('.player [data-act="next"]').click();
				var d = JSON.parse(document.querySelector(".dv").dataset.detail);
				return [document.querySelector(".dval").textContent, Array.prototype.map.call(document.querySelectorAll(".dpanel .math mn"), function (e) { return e.textContent; }).join(" "),
					String(d.pos[0] * d.out[1] + d.pos[1]), String(getComputedStyle(document.querySelector(".player")).display === "none")];
			})()`)
			cur, err := strconv.Atoi(got[2])
			if err != nil {
				t.Fatal(err)
			}
			// A map of one cell (a global average) has nothing to step
			// through, and the player stays hidden.
			if hidden, one := got[3] == "true", y.H()*y.W() < 2; hidden != one {
				t.Errorf("player hidden = %v on a %dx%d output", hidden, y.H(), y.W())
			}
			next := (cur + 1) % (y.H() * y.W())
			want := y.At(next/y.W(), next%y.W(), 0)
			if !showsValue(got[0], want) || !showsValue(got[1], want) {
				t.Errorf("after one step the page shows %q and %q, the engine gives %v", got[0], got[1], want)
			}
			for _, p := range w.take() {
				t.Error(p)
			}
		})
	}
}

// showsValue reports whether text holds want to 4 decimals, within 1e-3
// of its size: the script recomputes it from the data script's maps, which
// keep 4 significant digits.
func showsValue(text string, want float32) bool {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !(r == '.' || r == '-' || r == '−' || r >= '0' && r <= '9') }) {
		f = strings.ReplaceAll(f, "−", "-")
		if v, err := strconv.ParseFloat(f, 64); err == nil && strings.Contains(f, ".") && len(f)-strings.Index(f, ".") == 5 {
			if math.Abs(v-float64(want)) <= 1e-3*max(1, math.Abs(float64(want))) {
				return true
			}
		}
	}
	return false
}
