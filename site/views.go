package site

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"

	"cnnexplainer/render"
)

// views turns the model, traces and figures into what templates show, with
// every link already relative to the page that shows it.
type views struct {
	net      *Net
	figs     *figIndex
	chapters map[string]chapterIndex // by language code
	picks    map[string][]pickText   // by language code, one per run
}

// pickText is how the sample picker names one sample in one language. It
// is made once per language: every page of the site lists every sample.
type pickText struct{ label, alt string }

func (v *views) makePicks(langs []*Language) {
	v.picks = map[string][]pickText{}
	for _, l := range langs {
		texts := make([]pickText, len(v.net.Runs))
		for i, r := range v.net.Runs {
			label := v.pickLabel(l, r)
			texts[i] = pickText{label: label, alt: l.Tf("alt.sample", "label", label)}
		}
		v.picks[l.Code] = texts
	}
}

func num(v float32, prec int) string {
	s := strconv.FormatFloat(float64(v), 'f', prec, 32)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// Img is one figure placed on a page.
type Img struct {
	Src         string
	Alt         string
	W, H        int
	Pixelated   bool
	Description string
}

// Scaled returns the image drawn at the largest whole multiple of its size
// that fits in a max × max square (at least 1×), so a small pixel figure such
// as the kernel history is readable and every source pixel stays square.
func (i Img) Scaled(max int) Img {
	if i.W <= 0 || i.H <= 0 {
		return i
	}
	k := min(max/i.W, max/i.H)
	if k < 1 {
		k = 1
	}
	i.W, i.H = i.W*k, i.H*k
	i.Pixelated = true
	return i
}

// NeuronBox is one neuron in the overview.
type NeuronBox struct {
	Img
	Href          string
	Label         string
	Style         template.CSS
	Index         int
	Min, Max      string
	Prob          string
	BarStyle      template.CSS
	Class         string
	Top           bool
	Value         string
	Column, Inner int
	Range         string // the top of its own colour range (per-neuron mode)
}

// ColumnView is one layer column of the overview.
type ColumnView struct {
	Layer, Kind, KindName, Shape string
	Chapter                      string // link to the chapter explaining the layer, or ""
	Style                        template.CSS
	Boxes                        []NeuronBox
	Source                       int // overview column this one reads (-1 none)
	OneToOne                     bool
	Block                        int // the block whose per-block range colours it (-1 none)
	// Modes: every map has its per-block and whole-network variant, named
	// as render.ActivationFile names them (the script swaps the mode's
	// folder in the path instead of the page listing 200 addresses).
	Modes bool
}

// EdgeView is one line of the overview.
type EdgeView struct {
	D        string
	From, To string // "col-box"
}

// OverviewView is the whole interactive overview for one sample.
type OverviewView struct {
	Sample    *Run
	SampleTxt string
	Columns   []ColumnView
	Edges     []EdgeView
	ViewBox   string
	Ratio     template.CSS
	Picker    []Pick
	PickerCut *PickerCut // set when Picker lists only the current sample's neighbours
	Pred      string
	PredProb  string
	Legends   []LegendView
}

// Pick is one entry of the sample picker.
type Pick struct {
	ID, Href, Src, Alt, Label string
	Current                   bool
}

// page gives views what they need from the page being built.
type pageCtx struct {
	lang *Language
	path string // site path of the page, e.g. "zh-CN/s/x/index.html"
}

func (p pageCtx) rel(to string) string { return relURL(p.path, to) }

// relURL writes the shortest relative link from one site path to another:
// up from the folders of from that to does not share, then down. Links
// name index.html so that they work when the site is opened from disk;
// the shortest form keeps every page small (a Chinese page's links to
// its own edition need no "../zh-CN/").
func relURL(from, to string) string {
	dir := from[:strings.LastIndexByte(from, '/')+1]
	common := 0
	for {
		j := strings.IndexByte(dir[common:], '/')
		if j < 0 || !strings.HasPrefix(to[common:], dir[common:common+j+1]) {
			break
		}
		common += j + 1
	}
	link := strings.Repeat("../", strings.Count(dir[common:], "/")) + to[common:]
	if link == "" {
		return "./"
	}
	return link
}

func (v *views) kindName(p pageCtx, k string) string { return p.lang.T("layer." + k) }

func (v *views) homePath(lang *Language, r *Run) string {
	if r == v.net.Runs[0] {
		return lang.Prefix + "index.html"
	}
	return lang.Prefix + "s/" + r.ID + "/index.html"
}

// neuronPath is the address of neuron n's view for run r: its own page, or
// the first sample's page switched to r (see switch.go).
func (v *views) neuronPath(lang *Language, r *Run, layer string, n int) string {
	if li := v.net.layerIndex(layer); li >= 0 && v.net.switched(r, li) {
		return neuronFile(lang, v.net.Runs[0], layer, n) + "?s=" + url.QueryEscape(r.ID)
	}
	return neuronFile(lang, r, layer, n)
}

// neuronFile is the site path of neuron n's page for run r.
func neuronFile(lang *Language, r *Run, layer string, n int) string {
	return lang.Prefix + "s/" + r.ID + "/" + layer + "/" + strconv.Itoa(n) + "/index.html"
}

func (v *views) picker(p pageCtx, cur *Run, target func(*Run) string) []Pick {
	texts := v.picks[p.lang.Code]
	out := make([]Pick, 0, len(v.net.Runs))
	for i, r := range v.net.Runs {
		out = append(out, Pick{
			ID: r.ID, Href: p.rel(target(r)), Src: p.rel(r.Image), Label: texts[i].label, Current: r == cur,
			Alt: texts[i].alt,
		})
	}
	return out
}

func (v *views) pickLabel(l *Language, r *Run) string {
	if r.Label == "" {
		return r.ID
	}
	label := l.Class(r.Label)
	// A picture the model gets wrong says so, which also tells apart two
	// pictures of one class.
	if pred := v.net.Classes[r.Pred]; pred != r.Label {
		return l.Tf("overview.pick_mistake", "label", label, "pred", l.Class(pred))
	}
	if second := runnerUp(r.Probs, r.Pred); second >= 0 && r.Probs[second]*2 >= r.Probs[r.Pred] {
		// A close call (the runner-up has at least half the winner's
		// probability) says so too.
		return l.Tf("overview.pick_close", "label", label, "second", l.Class(v.net.Classes[second]))
	}
	return label
}

// runnerUp is the most probable class other than pred, or -1.
func runnerUp(probs []float32, pred int) int {
	best := -1
	for k, p := range probs {
		if k != pred && (best < 0 || p > probs[best]) {
			best = k
		}
	}
	return best
}

func (v *views) channelName(p pageCtx, c int) string {
	if v.net.Shapes[0][2] == 3 {
		return p.lang.T([]string{"channel.red", "channel.green", "channel.blue"}[c])
	}
	if v.net.Shapes[0][2] == 1 {
		return p.lang.T("channel.grey")
	}
	return strconv.Itoa(c)
}

// Grid is a small table of numbers (a kernel or a window).
type Grid struct {
	Rows    [][]Cell
	Caption string
}

// Cell is one number of a Grid.
type Cell struct {
	Text  string
	Class string // "pos", "neg", "pad", "win" (the part under the window)
}

func grid(vals []float32, h, w, prec int) Grid {
	g := Grid{}
	for y := 0; y < h; y++ {
		var row []Cell
		for x := 0; x < w; x++ {
			v := vals[y*w+x]
			c := Cell{Text: num(v, prec)}
			switch {
			case float32(math.Abs(float64(v))) < 0.005:
			case v > 0:
				c.Class = "pos"
			default:
				c.Class = "neg"
			}
			row = append(row, c)
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// Box is an overlay rectangle in percent of an image.
type Box struct{ Style template.CSS }

func boxStyle(y0, x0, h, w, H, W int) template.CSS {
	y0c, x0c := max(y0, 0), max(x0, 0)
	y1, x1 := min(y0+h, H), min(x0+w, W)
	if y1 <= y0c || x1 <= x0c {
		return ""
	}
	f := func(a, b int) string { return render.Num(float64(a)/float64(b)*100) + "%" }
	return template.CSS("left:" + f(x0c, W) + ";top:" + f(y0c, H) + ";width:" + f(x1-x0c, W) + ";height:" + f(y1-y0c, H))
}

// checkRangeMode checks that the overview map of one neuron drawn in mode
// ("module", "global") lies where the page's script looks for it: at src
// with "/unit/" replaced by "/<mode>/", so the page need not list 100 more
// addresses per mode in its first load.
func (v *views) checkRangeMode(p pageCtx, sample, layer string, neuron int, mode render.Mode, src string) error {
	f, ok := v.figs.activation(sample, layer, neuron, mode)
	if !ok {
		return fmt.Errorf("overview %s neuron %d: no %s map", layer, neuron, mode)
	}
	if want := strings.Replace(src, "/unit/", "/"+mode.String()+"/", 1); p.rel(figURL(f)) != want {
		return fmt.Errorf("overview %s neuron %d: the %s map is at %s, not at %s where the page's script looks", layer, neuron, mode, p.rel(figURL(f)), want)
	}
	return nil
}
