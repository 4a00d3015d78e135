package site

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"cnnexplainer/site/directive"
)

// DetailNav is where a detail view leads: the neighbouring neurons of the
// same layer, the layers before and after, the same neuron for the other
// samples, and the chapter that explains the layer.
type DetailNav struct {
	Prev, Next    *NavLink
	Before, After *NavLink
	Chapter       *NavLink
	Samples       []NavLink
	// More is how many samples Samples leaves out (a long list is cut to
	// the neighbours of the current one); SamplesJS is the script that
	// lists them all for the page script, Overview the overview's picker.
	More      int
	SamplesJS string
	Overview  string
	// SamplePre + id + "/" + SamplePost + "/index.html" is the link to
	// this neuron's page for a sample.
	SamplePre, SamplePost string
	SampleID              string // the current sample, in the full list
	// Host is set on the first sample's page when later samples are
	// switched into it: the list's samples from Static on link it.
	Host   string
	Static int
}

// sampleWindow is the most samples a neuron page lists by name. A longer
// list would grow every page with the number of samples (and the site
// with its square): 200 samples made 17 KB of links on each of 40,000
// pages. Past it a page names sampleNear samples around the current one,
// and the page script adds the rest from one file per language.
const (
	sampleWindow = 15
	sampleNear   = 7
)

// near writes a link between two site paths through their common folders
// only ("../2/index.html" rather than from the root): a neuron page has a
// dozen such links, and there are thousands of neuron pages.
func near(from, to string) string {
	for {
		i := strings.IndexByte(from, '/')
		if i < 0 || !strings.HasPrefix(to, from[:i+1]) {
			break
		}
		from, to = from[i+1:], to[i+1:]
	}
	return strings.Repeat("../", strings.Count(from, "/")) + to
}

// explainedBy lists the figure directives that show a layer kind (as the
// overview and the detail views name kinds), best first: the first chapter
// placing one of them is the chapter that explains the layer. Reading this
// from the chapters, rather than naming slugs, keeps it true when chapters
// are renamed, reordered or translated.
func explainedBy(kind string) []string {
	switch kind {
	case "input":
		return []string{"input"}
	case "conv2d":
		return []string{"conv", "kernels"}
	case "relu":
		return []string{"relu"}
	case "maxpool2d":
		return []string{"maxpool"}
	case "flatten":
		return []string{"flatten"}
	case "class", "dense":
		return []string{"dense", "flatten"}
	case "output", "softmax":
		return []string{"softmax", "dense"}
	}
	return nil
}

// figureNames returns the names of the figure directives of a chapter, in
// the order they appear.
func figureNames(src []byte) []string {
	var names []string
	eachDirective(src, func(d directive.Directive) { names = append(names, d.Name) })
	return names
}

// eachDirective calls f with every directive that is a line of its own
// in a chapter's source, in order.
func eachDirective(src []byte, f func(directive.Directive)) {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if !bytes.HasPrefix(line, []byte("{{<")) {
			continue
		}
		if d, err := directive.Parse(string(line)); err == nil {
			f(d)
		}
	}
}

// chapterIndex maps a layer kind to the site path of the chapter that
// explains it, for one language.
type chapterIndex map[string]NavLink

func newChapterIndex(chs []*chapter) chapterIndex {
	placed := map[string]*chapter{}
	for _, c := range chs {
		for _, name := range figureNames(c.src) {
			if placed[name] == nil {
				placed[name] = c
			}
		}
	}
	ix := chapterIndex{}
	for _, kind := range []string{"input", "conv2d", "relu", "maxpool2d", "flatten", "class", "dense", "output", "softmax"} {
		for _, name := range explainedBy(kind) {
			if c := placed[name]; c != nil {
				ix[kind] = NavLink{Title: c.fm.Title, Href: c.path}
				break
			}
		}
	}
	// The kinds TinyVGG lacks have no figures of their own; the chapter
	// of their nearest kin compares them with it.
	for kind, kin := range map[string]string{"avgpool2d": "maxpool2d", "globalavgpool": "maxpool2d", "leakyrelu": "relu", "sigmoid": "relu", "tanh": "relu"} {
		if l, ok := ix[kin]; ok {
			ix[kind] = l
		}
	}
	return ix
}

// chapter returns the link to the chapter explaining kind, relative to p.
func (v *views) chapter(p pageCtx, kind string) *NavLink {
	l, ok := v.chapters[p.lang.Code][kind]
	if !ok {
		return nil
	}
	l.Href = p.rel(l.Href)
	return &l
}

// detailNav fills the links of neuron n of layer li for run r.
func (v *views) detailNav(p pageCtx, r *Run, li, n int, kind string) DetailNav {
	nav := DetailNav{Chapter: v.chapter(p, kind)}
	layer := v.net.Model.Layers[li].Name()
	count := v.net.Shapes[li+1][len(v.net.Shapes[li+1])-1]
	if n > 0 {
		nav.Prev = &NavLink{Title: v.neuronName(p, li, n-1), Href: near(p.path, v.neuronPath(p.lang, r, layer, n-1))}
	}
	if n+1 < count {
		nav.Next = &NavLink{Title: v.neuronName(p, li, n+1), Href: near(p.path, v.neuronPath(p.lang, r, layer, n+1))}
	}
	nav.Before = v.layerLink(p, r, li, n, -1)
	nav.After = v.layerLink(p, r, li, n, +1)
	picks := v.picker(p, r, func(x *Run) string { return v.neuronPath(p.lang, x, layer, n) })
	cur := 0
	for i, pk := range picks {
		if pk.Current {
			cur = i
		}
	}
	lo, hi := sampleRange(len(picks), cur, sampleWindow, sampleNear)
	if len(picks) > sampleWindow {
		nav.More = len(picks) - (hi - lo)
		nav.SamplesJS = p.rel(sampleListFile(p.lang))
		nav.Overview = p.rel(v.homePath(p.lang, r))
		// Every sample's page of this neuron is at the same depth, so one
		// prefix and suffix around the id make every link.
		nav.SamplePre = near(p.path, p.lang.Prefix+"s/")
		nav.SampleID = r.ID
		// Not a path of its own (no leading slash, no file name), so that
		// no checker takes it for a link.
		nav.SamplePost = layer + "/" + strconv.Itoa(n)
	}
	for i, pk := range picks[lo:hi] {
		// The picker lists the runs in order: no look-up by id.
		l := NavLink{Title: pk.Label, Href: near(p.path, v.neuronPath(p.lang, v.net.Runs[lo+i], layer, n)), Current: pk.Current}
		nav.Samples = append(nav.Samples, l)
	}
	return nav
}

// neuronName is how a link names neuron n of layer li: a class name for
// the class scores, else the layer and the neuron's number.
func (v *views) neuronName(p pageCtx, li, n int) string {
	if li == v.net.Logits {
		return p.lang.Class(v.net.Classes[n])
	}
	return p.lang.Tf("detail.neuron_title", "layer", v.net.Model.Layers[li].Name(), "n", n)
}

// layerLink finds the nearest layer with detail pages in direction dir from
// li and links its neuron n (or its last one, when it has fewer). From the
// last map layer the next view is the predicted class's score.
func (v *views) layerLink(p pageCtx, r *Run, li, n, dir int) *NavLink {
	for j := li + dir; j >= 0 && j < len(v.net.Model.Layers); j += dir {
		if !v.net.hasDetail(j) {
			continue
		}
		m := n
		if j == v.net.Logits {
			m = r.Pred
		}
		count := v.net.Shapes[j+1][len(v.net.Shapes[j+1])-1]
		m = min(m, count-1)
		return &NavLink{Title: v.neuronName(p, j, m), Href: near(p.path, v.neuronPath(p.lang, r, v.net.Model.Layers[j].Name(), m)), Pred: j == v.net.Logits}
	}
	return nil
}

// sampleRange is the part [lo, hi) of a list of n samples that a page
// showing sample cur lists: all of them up to limit, else near of them with
// cur as close to the middle as the ends allow.
func sampleRange(n, cur, limit, near int) (lo, hi int) {
	if n <= limit {
		return 0, n
	}
	lo = min(cur-near/2, n-near)
	if lo < 0 {
		lo = 0
	}
	return lo, lo + near
}

// PickerCut is what picker.js (Script) needs to list every sample in a
// picker cut to the current sample's neighbours: the list (SamplesJS), the
// links to the overviews (Home for the first sample, Pre + id +
// "/index.html" for the others), Root before a picture's site path, and
// the alternative text with {label}.
type PickerCut struct {
	More                                    int
	SamplesJS, Script, Home, Pre, Root, Alt string
}

// cutPicker cuts an overview's picker past sampleWindow samples, as the
// neuron pages' lists are: each overview listing every sample made the
// site grow with the square of their number, and the home page's first
// load with their number.
func (v *views) cutPicker(p pageCtx, picks []Pick) ([]Pick, *PickerCut) {
	cur := 0
	for i, pk := range picks {
		if pk.Current {
			cur = i
		}
	}
	lo, hi := sampleRange(len(picks), cur, sampleWindow, sampleNear)
	if hi-lo == len(picks) {
		return picks, nil
	}
	return picks[lo:hi], &PickerCut{
		More: len(picks) - (hi - lo), SamplesJS: p.rel(sampleListFile(p.lang)), Script: p.rel("picker.js"),
		Home: p.rel(p.lang.Prefix + "index.html"), Pre: p.rel(p.lang.Prefix + "s/"), Root: p.rel(""),
		Alt: p.lang.T("alt.sample"),
	}
}

// sampleListFile is the script that lists every sample for the neuron
// pages of one language, when there are more than sampleWindow.
func sampleListFile(l *Language) string { return "data/samples-" + l.Code + ".js" }

// sampleLists writes, for a site of more than sampleWindow samples, each
// language's list of samples as [id, label, picture] triples (the
// picture's site path), in the order the pages list them.
func (b *builder) sampleLists() error {
	v := b.views
	if len(v.net.Runs) <= sampleWindow {
		return nil
	}
	for _, l := range b.langs {
		// [id, label, picture, the name a page title gives the sample]
		var list [][4]string
		for i, pk := range v.picker(pageCtx{lang: l}, nil, func(*Run) string { return "" }) {
			r := v.net.Runs[i]
			list = append(list, [4]string{pk.ID, pk.Label, r.Image, sampleName(l, r)})
		}
		js, err := json.Marshal(list)
		if err != nil {
			return err
		}
		data := append([]byte("self.tinyvggSamples="), js...)
		// The class names, for the link from the last map to the class a
		// switched sample is predicted as.
		names := make([]string, len(v.net.Classes))
		for i, c := range v.net.Classes {
			names[i] = l.Class(c)
		}
		if js, err = json.Marshal(names); err != nil {
			return err
		}
		data = append(append(data, ";self.tinyvggClasses="...), js...)
		if err := b.tree.add(sampleListFile(l), append(data, ";\n"...)); err != nil {
			return err
		}
	}
	return nil
}
