package site

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"cnnexplainer/engine/train"
	"cnnexplainer/site/directive"
)

// A fact is a number or name the chapters print from the model, so the
// text stays true when the model is retrained or replaced. Each fact has a
// raw, language-neutral form (what expect= is compared with: "90.85",
// "7 9") and the text a page shows ("90.85%", "7 and 9").
type fact struct{ raw, text string }

// noFact is a fact this model cannot give (no history, no stats.json, no
// such layer): the paragraph becomes a notice and the build warns. fix, if
// set, tells the author how to provide it; it goes to the warning only,
// since it may hold a local path.
type noFact struct{ reason, fix string }

func (e noFact) Error() string { return e.reason }

// factFunc computes one named fact for one directive on one page.
type factFunc func(n *Net, d directive.Directive, l *Language) (fact, error)

// factNames lists every fact; docs/architecture.md describes them for authors.
func factNames() map[string]factFunc {
	return map[string]factFunc{
		"model": func(n *Net, _ directive.Directive, _ *Language) (fact, error) {
			return fact{n.Model.Name, n.Model.Name}, nil
		},
		"params":         factParams,
		"params-share":   factParamsShare,
		"accuracy":       epochFact(func(e train.EpochStats) float64 { return e.TestAccuracy }, true),
		"train-accuracy": epochFact(func(e train.EpochStats) float64 { return e.TrainAccuracy }, true),
		"test-loss":      epochFact(func(e train.EpochStats) float64 { return e.TestLoss }, false),
		"class-accuracy": factClassAccuracy,
		"confusion":      factConfusion,
		"mistakes":       factMistakes,
		"test-images":    factTestImages,
		"dead":           factDead,
		"dead-list":      factDeadList,
		"dead-images":    factDeadImages,
		"dead-at-start":  unitList(true, func(ul train.UnitLayer) []int { return ul.DeadAtStart }),
		"revived": unitList(true, func(ul train.UnitLayer) []int {
			var out []int
			for _, u := range ul.DeadAtStart {
				if !slices.Contains(ul.Dead, u) {
					out = append(out, u)
				}
			}
			return out
		}),
		"relu-units": factReLUUnits,
		"sample": func(n *Net, _ directive.Directive, _ *Language) (fact, error) {
			return fact{n.Runs[0].ID, n.Runs[0].ID}, nil
		},
		"dead-since": factDeadSince,
		"prob":       sampleFact(func(r *Run, k int, _ *Language, _ []string) fact { return percent(float64(r.Probs[k]), 2) }),
		"logit":      sampleFact(func(r *Run, k int, _ *Language, _ []string) fact { v := num(r.Logits[k], 4); return fact{v, v} }),
		"class": sampleFact(func(r *Run, k int, l *Language, classes []string) fact {
			return fact{strconv.Itoa(k), l.Class(classes[k])}
		}),
		"kernel-growth": factKernelGrowth,
	}
}

// inlineSpec is the contract of the inline directives: fact prints a value,
// assume prints nothing and must say what it expects. Which names a fact
// may have is factNames' business; an unknown one is reported with its line.
func inlineSpec() directive.Spec {
	fact := map[string]directive.Arg{
		"name": {Type: directive.Ident, Required: true}, "expect": {Type: directive.Text},
		"layer": {Type: directive.Ident}, "sample": {Type: directive.Ident}, "neuron": {Type: directive.Int, Min: 0, Max: 1 << 20},
		"class": {Type: directive.Int, Min: 0, Max: 1 << 20}, "rank": {Type: directive.Int, Min: 1, Max: 1 << 20},
		"predicted": {Type: directive.Int, Min: 0, Max: 1 << 20}, "classes": {Type: directive.Text},
		"epoch": {Type: directive.Int, Min: 0, Max: 1 << 20}, "kind": {Type: directive.Ident},
	}
	assume := map[string]directive.Arg{}
	for k, a := range fact {
		assume[k] = a
	}
	assume["expect"] = directive.Arg{Type: directive.Text, Required: true}
	return directive.Spec{"fact": {Args: fact}, "assume": {Args: assume}}
}

// inlineResolver resolves the facts of one chapter on one page.
func (b *builder) inlineResolver(p *PageData, file string, warn func(...warning)) directive.InlineResolver {
	names := factNames()
	return func(d directive.Directive) (directive.InlineValue, error) {
		name := d.Str("name", "")
		f, ok := names[name]
		if !ok {
			known := make([]string, 0, len(names))
			for k := range names {
				known = append(known, k)
			}
			sort.Strings(known)
			return directive.InlineValue{}, fmt.Errorf("unknown fact %q (known: %s)", name, strings.Join(known, ", "))
		}
		v, err := f(b.views.net, d, p.Lang)
		var nf noFact
		if errors.As(err, &nf) {
			msg := fmt.Sprintf("fact %s: %s", name, nf.reason)
			if nf.fix != "" {
				msg += " (" + nf.fix + ")"
			}
			warn(warning{File: file, Line: d.Line, Kind: warnFact, Msg: msg})
			return directive.InlineValue{Unmet: p.Lang.Tf("notice.fact_missing", "fact", name, "reason", nf.reason)}, nil
		}
		if err != nil {
			return directive.InlineValue{}, err
		}
		if want, ok := d.Args["expect"]; ok && want != v.raw {
			warn(warning{File: file, Line: d.Line, Kind: warnFactDiffers,
				Msg: fmt.Sprintf("this passage was written for %s = %s, but this model gives %s; the page shows a notice in its place", name, want, v.raw)})
			return directive.InlineValue{Unmet: p.Lang.Tf("notice.fact_differs", "fact", name, "want", want, "got", v.raw)}, nil
		}
		if d.Name == "assume" {
			return directive.InlineValue{}, nil
		}
		return directive.InlineValue{Text: localDigits(v.text, p.Lang)}, nil
	}
}

var digitGroups = regexp.MustCompile(`(\d),(\d{3})`)

// localDigits swaps the comma between groups of digits for the language's
// fact.thousands_sep ("" in Chinese text, which writes 7740).
func localDigits(s string, l *Language) string {
	if !l.Has("fact.thousands_sep") || l.T("fact.thousands_sep") == "," {
		return s
	}
	sep := l.T("fact.thousands_sep")
	for digitGroups.MatchString(s) {
		s = digitGroups.ReplaceAllString(s, "${1}"+sep+"${2}")
	}
	return s
}

// thousands writes n with a comma between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func count(n int) fact { return fact{strconv.Itoa(n), thousands(n)} }

// percent shows a share 0..1 as a percentage with prec decimals.
func percent(share float64, prec int) fact {
	v := strconv.FormatFloat(share*100, 'f', prec, 64)
	return fact{v, v + "%"}
}

// list joins items as "7, 8 and 9" in the page's language.
func list(items []string, l *Language) string {
	switch len(items) {
	case 0:
		return l.T("fact.none")
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], l.T("fact.list_sep")) + l.T("fact.list_and") + items[len(items)-1]
}

// factParams counts the parameters of layer=, of every layer of kind=
// (conv2d, dense), or of the whole model.
func factParams(n *Net, d directive.Directive, _ *Language) (fact, error) {
	if kind, ok := d.Args["kind"]; ok {
		total, found := 0, false
		for _, l := range n.Model.Layers {
			if l.Kind().String() == kind {
				found = true
				for _, p := range l.Params() {
					total += len(p.Data)
				}
			}
		}
		if !found {
			return fact{}, noFact{reason: fmt.Sprintf("the model has no %s layer", kind)}
		}
		return count(total), nil
	}
	name, ok := d.Args["layer"]
	if !ok {
		return count(n.Model.ParamCount()), nil
	}
	i := n.layerIndex(name)
	if i < 0 {
		return fact{}, noFact{reason: fmt.Sprintf("the model has no layer %q", name)}
	}
	total := 0
	for _, p := range n.Model.Layers[i].Params() {
		total += len(p.Data)
	}
	return count(total), nil
}

func factParamsShare(n *Net, d directive.Directive, l *Language) (fact, error) {
	f, err := factParams(n, d, l)
	if err != nil {
		return fact{}, err
	}
	part, _ := strconv.Atoi(f.raw)
	return percent(float64(part)/float64(n.Model.ParamCount()), 0), nil
}

func history(n *Net) (*train.History, error) {
	if n.History == nil {
		return nil, noFact{reason: "the model has no training history"}
	}
	return n.History, nil
}

// epochFact reads a figure of one epoch (epoch=, default the last).
func epochFact(get func(train.EpochStats) float64, share bool) factFunc {
	return func(n *Net, d directive.Directive, _ *Language) (fact, error) {
		h, err := history(n)
		if err != nil {
			return fact{}, err
		}
		e := d.Int("epoch", h.Epochs[len(h.Epochs)-1].Epoch)
		for _, s := range h.Epochs {
			if s.Epoch == e {
				if share {
					return percent(get(s), 2), nil
				}
				v := strconv.FormatFloat(get(s), 'f', 3, 64)
				return fact{v, v}, nil
			}
		}
		return fact{}, noFact{reason: fmt.Sprintf("the training history has no epoch %d", e)}
	}
}

func confusion(n *Net) ([][]int, error) {
	h, err := history(n)
	if err != nil {
		return nil, err
	}
	if len(h.Confusion) != len(n.Classes) {
		return nil, noFact{reason: "the training history has no confusion matrix for the model's classes"}
	}
	return h.Confusion, nil
}

func classArg(n *Net, d directive.Directive, key string) (int, error) {
	k := d.Int(key, -1)
	if k < 0 || k >= len(n.Classes) {
		return 0, noFact{reason: fmt.Sprintf("%s=%s is not one of the model's %d classes", key, d.Str(key, ""), len(n.Classes))}
	}
	return k, nil
}

func factClassAccuracy(n *Net, d directive.Directive, _ *Language) (fact, error) {
	cm, err := confusion(n)
	if err != nil {
		return fact{}, err
	}
	k, err := classArg(n, d, "class")
	if err != nil {
		return fact{}, err
	}
	total := 0
	for _, v := range cm[k] {
		total += v
	}
	if total == 0 {
		return fact{}, noFact{reason: "the test set has no picture of that class"}
	}
	return percent(float64(cm[k][k])/float64(total), 1), nil
}

func factConfusion(n *Net, d directive.Directive, _ *Language) (fact, error) {
	cm, err := confusion(n)
	if err != nil {
		return fact{}, err
	}
	t, err := classArg(n, d, "class")
	if err != nil {
		return fact{}, err
	}
	p, err := classArg(n, d, "predicted")
	if err != nil {
		return fact{}, err
	}
	return count(cm[t][p]), nil
}

// factMistakes counts wrong answers on the test set, or, with classes="0 2
// 4", only those where both the true and the predicted class are listed.
func factMistakes(n *Net, d directive.Directive, _ *Language) (fact, error) {
	cm, err := confusion(n)
	if err != nil {
		return fact{}, err
	}
	in := map[int]bool{}
	for _, s := range strings.Fields(d.Str("classes", "")) {
		k, err := strconv.Atoi(s)
		if err != nil || k < 0 || k >= len(cm) {
			return fact{}, fmt.Errorf("classes=%q: %q is not a class number", d.Str("classes", ""), s)
		}
		in[k] = true
	}
	total := 0
	for t, row := range cm {
		for p, v := range row {
			if t != p && (len(in) == 0 || in[t] && in[p]) {
				total += v
			}
		}
	}
	return count(total), nil
}

func factTestImages(n *Net, _ directive.Directive, _ *Language) (fact, error) {
	cm, err := confusion(n)
	if err != nil {
		return fact{}, err
	}
	total := 0
	for _, row := range cm {
		for _, v := range row {
			total += v
		}
	}
	return count(total), nil
}

// sampleFact reads a sample's output for class= or for the rank=-th most
// probable class (default: the predicted one).
func sampleFact(get func(r *Run, k int, l *Language, classes []string) fact) factFunc {
	return func(n *Net, d directive.Directive, l *Language) (fact, error) {
		r := n.run(d.Str("sample", ""))
		if r == nil {
			return fact{}, noFact{reason: fmt.Sprintf("there is no sample %q", d.Str("sample", ""))}
		}
		k := r.Pred
		if _, ok := d.Args["class"]; ok {
			var err error
			if k, err = classArg(n, d, "class"); err != nil {
				return fact{}, err
			}
		} else if rank := d.Int("rank", 1); rank > 1 {
			order := make([]int, len(r.Probs))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return r.Probs[order[a]] > r.Probs[order[b]] })
			if rank > len(order) {
				return fact{}, noFact{reason: fmt.Sprintf("the model has only %d classes", len(order))}
			}
			k = order[rank-1]
		}
		return get(r, k, l, n.Classes), nil
	}
}
