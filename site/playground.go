package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"cnnexplainer/render"
	"cnnexplainer/site/directive"
)

// PlaygroundView is the hyperparameter widget: one animation of the
// chosen setting (the padded input with the moving window, and the
// output), the output-size formula with the numbers filled in, and what
// does not fit. The page is built with the directive's setting; the script
// shows the controls and switches between the animations render drew.
type PlaygroundView struct {
	Playground
	OutSize  int
	Summary  string
	Data     string // the animations' file pattern and the message templates, for the script
	Controls []PlaygroundControl
	Anim     Img
	Formula  string
	Fits     string   // said when everything fits
	Notes    []string // what does not fit
	Key      []KeyEntry
	Texts    map[string]string // message templates for the script
}

// Playground is the setting of the hyperparameter widget.
type Playground struct {
	Size, Padding, Kernel, Stride int
}

// Out is the output size, (size + 2*padding - kernel)/stride + 1.
func (p Playground) Out() int { return (p.Size+2*p.Padding-p.Kernel)/p.Stride + 1 }

// playgroundOf reads the widget's setting from d, with the defaults
// size=5 padding=1 kernel=3 stride=1 for what is left out.
func playgroundOf(d directive.Directive) Playground {
	return Playground{Size: d.Int("size", 5), Padding: d.Int("padding", 1), Kernel: d.Int("kernel", 3), Stride: d.Int("stride", 1)}
}

// checkPlayground rejects a setting the widget cannot draw.
func checkPlayground(d directive.Directive) error {
	p := playgroundOf(d)
	if p.Kernel > p.Size+2*p.Padding {
		return fmt.Errorf("kernel %d is larger than the padded input %d", p.Kernel, p.Size+2*p.Padding)
	}
	if p.Padding >= p.Kernel {
		return fmt.Errorf("padding %d must be smaller than the kernel %d", p.Padding, p.Kernel)
	}
	if (p.Size+2*p.Padding-p.Kernel)%p.Stride != 0 {
		return fmt.Errorf("stride %d does not fit: (size %d + 2*padding %d - kernel %d) is not a multiple of it", p.Stride, p.Size, p.Padding, p.Kernel)
	}
	return nil
}

// PlaygroundControl is one of the four settings.
type PlaygroundControl struct {
	Key, Label string
	Options    []PlaygroundOption
}

// PlaygroundOption is one value of a setting.
type PlaygroundOption struct {
	Value    int
	Selected bool
}

// KeyEntry is one colour of a figure's key.
type KeyEntry struct {
	Label string
	Style template.CSS
}

// animScale is how many CSS pixels one animation unit takes: the same for
// every setting, so a cell keeps its size when the setting changes.
const animScale = 2

// playgroundView builds the widget for the directive's setting.
func (v *views) playgroundView(pc pageCtx, pg Playground) (*PlaygroundView, error) {
	L := pc.lang
	g := &PlaygroundView{Playground: pg, OutSize: pg.Out()}
	g.Summary = L.Tf("playground.summary", "size", pg.Size, "padding", pg.Padding, "kernel", pg.Kernel, "stride", pg.Stride, "out", g.OutSize)
	maxSide := render.PlaygroundMaxSize + 2*render.PlaygroundMaxPad
	for _, c := range []struct {
		key        string
		lo, hi, at int
	}{
		{"size", render.PlaygroundMinSize, render.PlaygroundMaxSize, pg.Size},
		{"padding", 0, render.PlaygroundMaxPad, pg.Padding},
		// Every kernel up to the largest padded input, so a kernel too
		// large for the input can be chosen and explained.
		{"kernel", 1, maxSide, pg.Kernel},
		{"stride", 1, render.PlaygroundMaxStep, pg.Stride},
	} {
		ctl := PlaygroundControl{Key: c.key, Label: L.T("playground." + c.key)}
		for x := c.lo; x <= c.hi; x++ {
			ctl.Options = append(ctl.Options, PlaygroundOption{Value: x, Selected: x == c.at})
		}
		g.Controls = append(g.Controls, ctl)
	}
	if f, ok := v.figs.playground(pg.Size, pg.Padding, pg.Kernel, pg.Stride); ok {
		g.Anim = Img{Src: pc.rel(figURL(f)), W: f.Width * animScale, H: f.Height * animScale, Alt: g.Summary}
	}
	g.Texts = map[string]string{}
	for _, k := range []string{"formula", "none", "uneven", "padding_only", "skips", "fits", "summary"} {
		g.Texts[k] = L.T("playground." + k)
	}
	g.Formula, g.Fits, g.Notes = playgroundText(g.Texts, pg)
	data, err := json.Marshal(struct {
		Scale int               `json:"scale"`
		Src   string            `json:"src"`
		Texts map[string]string `json:"t"`
	}{animScale, pc.rel("figures/" + render.PlaygroundFilePattern), g.Texts})
	if err != nil {
		return nil, err
	}
	g.Data = string(data)
	for _, e := range render.PlaygroundKey() {
		st := "background-color:" + e.Fill
		if e.Hatch != "" {
			st += ";background-image:repeating-linear-gradient(45deg,transparent 0 3px," + e.Hatch + " 3px 4px)"
		}
		g.Key = append(g.Key, KeyEntry{Label: L.T("playground.key_" + e.Name), Style: template.CSS(st)})
	}
	return g, nil
}

// playgroundText fills the formula and the notes on what does not fit;
// site.js does the same in the browser (keep the two in step).
func playgroundText(t map[string]string, pg Playground) (formula, fits string, notes []string) {
	n, p, k, s := pg.Size, pg.Padding, pg.Kernel, pg.Stride
	side, rest := n+2*p, n+2*p-k
	fill := func(tmpl string) string {
		out, left := 0, 0
		if rest >= 0 {
			out, left = rest/s+1, rest%s
		}
		return strings.NewReplacer("{n}", itoa(n), "{p}", itoa(p), "{k}", itoa(k), "{s}", itoa(s), "{side}", itoa(side),
			"{rest}", itoa(rest), "{out}", itoa(out), "{left}", itoa(left), "{steps}", itoa(out-1), "{gap}", itoa(s-k)).Replace(tmpl)
	}
	if rest < 0 {
		return "", "", []string{fill(t["none"])}
	}
	if rest%s != 0 {
		notes = append(notes, fill(t["uneven"]))
	}
	if s > k {
		notes = append(notes, fill(t["skips"]))
	}
	if p >= k {
		notes = append(notes, fill(t["padding_only"]))
	}
	if len(notes) == 0 {
		fits = fill(t["fits"])
	}
	return fill(t["formula"]), fits, notes
}

func itoa(i int) string { return fmt.Sprint(i) }
