package render

import (
	"strings"
	"testing"

	"cnnexplainer/engine"
)

// TestPlaygroundMatchesEngine checks every combination against the
// engine's window arithmetic: output size, reason codes and the drawn
// steps.
func TestPlaygroundMatchesEngine(t *testing.T) {
	jobs := planPlayground()
	// Sizes 3..7 with paddings 0..2 allow sum(size + 2*pad) = 105 kernels,
	// each with three strides.
	if len(jobs) != 315 {
		t.Fatalf("%d playground figures, want 315", len(jobs))
	}
	seen := map[string]bool{}
	uneven := 0
	for _, j := range jobs {
		f := j.Figure
		p := f.Params
		size, pad, k, s := p["size"], p["pad"], p["kernel"], p["stride"]
		w, err := engine.NewWindow(size, k, s, engine.Explicit, pad)
		if err != nil {
			t.Fatalf("%s: engine refuses the combination: %v", f.File, err)
		}
		if p["out"] != w.Out || p["out_h"] != w.Out || p["out_w"] != w.Out || p["steps"] != w.Out*w.Out {
			t.Errorf("%s: output %d (%dx%d, %d steps), engine says %d", f.File, p["out"], p["out_h"], p["out_w"], p["steps"], w.Out)
		}
		covered := (w.Out-1)*s + k
		if p["leftover"] != size+2*pad-covered {
			t.Errorf("%s: leftover %d, want %d", f.File, p["leftover"], size+2*pad-covered)
		}
		reasons := strings.Split(f.Note, ",")
		hasUneven := strings.Contains(f.Note, ReasonStrideUneven)
		if hasUneven != (covered != size+2*pad) {
			t.Errorf("%s: note %q, but the windows cover %d of %d cells", f.File, f.Note, covered, size+2*pad)
		}
		if hasUneven {
			uneven++
		}
		if strings.Contains(f.Note, ReasonPaddingOnly) != (pad >= k) {
			t.Errorf("%s: note %q with pad %d kernel %d", f.File, f.Note, pad, k)
		}
		for _, r := range reasons {
			if r != "" && r != ReasonStrideUneven && r != ReasonPaddingOnly {
				t.Errorf("%s: unknown reason %q", f.File, r)
			}
		}
		if f.Kind != KindPlayground || f.Scale != 0 || seen[f.File] {
			t.Errorf("%s: kind %s scale %q (or repeated)", f.File, f.Kind, f.Scale)
		}
		seen[f.File] = true
		data, err := j.Draw()
		if err != nil {
			t.Fatal(err)
		}
		d := parseAnimSVG(t, f.File, data)
		checkSteps(t, f.File, d, w.Out, w.Out)
		if len(d.images) != 0 || strings.Contains(string(data), "cnnx-leftover") != hasUneven ||
			strings.Contains(string(data), "cnnx-pad") != (pad > 0) {
			t.Errorf("%s: %d images, leftover drawn %v, padding drawn %v", f.File, len(d.images),
				strings.Contains(string(data), "cnnx-leftover"), strings.Contains(string(data), "cnnx-pad"))
		}
		if len(data) > 3000 {
			t.Errorf("%s: %d bytes; playground figures should stay tiny", f.File, len(data))
		}
	}
	if uneven == 0 || uneven == len(jobs) {
		t.Errorf("%d of %d combinations uneven", uneven, len(jobs))
	}
}
