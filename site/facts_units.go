package site

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"cnnexplainer/engine/train"
	"cnnexplainer/site/directive"
)

// Facts about units and kernels: dead units from stats.json, kernel growth
// from the training history's snapshots.

func units(n *Net) (*train.UnitStats, error) {
	if n.Units == nil {
		return nil, noFact{n.UnitsNote, n.UnitsFix}
	}
	return n.Units, nil
}

// unitLayers returns the stats of layer= or of every ReLU layer.
func unitLayers(n *Net, d directive.Directive) ([]train.UnitLayer, error) {
	st, err := units(n)
	if err != nil {
		return nil, err
	}
	name, ok := d.Args["layer"]
	if !ok {
		return st.Layers, nil
	}
	ul := st.Layer(name)
	if ul == nil {
		return nil, noFact{reason: fmt.Sprintf("stats.json has no ReLU layer %q", name)}
	}
	return []train.UnitLayer{*ul}, nil
}

func factDead(n *Net, d directive.Directive, _ *Language) (fact, error) {
	ls, err := unitLayers(n, d)
	if err != nil {
		return fact{}, err
	}
	total := 0
	for _, l := range ls {
		total += len(l.Dead)
	}
	return count(total), nil
}

var factDeadList = unitList(false, func(ul train.UnitLayer) []int { return ul.Dead })

// unitList lists units of layer= (or of every ReLU layer) picked by pick.
// With start, the fact needs the snapshot at initialisation.
func unitList(start bool, pick func(train.UnitLayer) []int) factFunc {
	return func(n *Net, d directive.Directive, l *Language) (fact, error) {
		ls, err := unitLayers(n, d)
		if err != nil {
			return fact{}, err
		}
		var raw []string
		for _, ul := range ls {
			if start && ul.DeadAtStart == nil {
				return fact{}, noFact{reason: "stats.json was measured without training snapshots"}
			}
			for _, u := range pick(ul) {
				raw = append(raw, strconv.Itoa(u))
			}
		}
		return fact{strings.Join(raw, " "), list(raw, l)}, nil
	}
}

func factReLUUnits(n *Net, d directive.Directive, _ *Language) (fact, error) {
	ls, err := unitLayers(n, d)
	if err != nil {
		return fact{}, err
	}
	total := 0
	for _, l := range ls {
		total += l.Units
	}
	return count(total), nil
}

func factDeadImages(n *Net, _ directive.Directive, _ *Language) (fact, error) {
	st, err := units(n)
	if err != nil {
		return fact{}, err
	}
	return count(st.Images), nil
}

func factDeadSince(n *Net, d directive.Directive, _ *Language) (fact, error) {
	ls, err := unitLayers(n, d)
	if err != nil {
		return fact{}, err
	}
	u := d.Int("neuron", -1)
	for _, ul := range ls {
		for k, v := range ul.Dead {
			if v == u && ul.DeadSince[k] >= 0 {
				return count(ul.DeadSince[k]), nil
			}
		}
	}
	return fact{}, noFact{reason: fmt.Sprintf("neuron %d is not a dead unit with a known epoch", u)}
}

// factKernelGrowth is how many times longer (Euclidean norm) a kernel is
// after training than at initialisation, from the history's snapshots.
func factKernelGrowth(n *Net, d directive.Directive, _ *Language) (fact, error) {
	h, err := history(n)
	if err != nil {
		return fact{}, err
	}
	if len(h.Snapshots) < 2 {
		return fact{}, noFact{reason: "the training history has no weight snapshots"}
	}
	layer, u := d.Str("layer", ""), d.Int("neuron", -1)
	norm := func(s *train.Snapshot) (float64, error) {
		p := s.Param(layer, "kernel")
		if p == nil || u < 0 || u >= p.Shape[len(p.Shape)-1] {
			return 0, noFact{reason: fmt.Sprintf("the snapshots have no kernel %d of layer %q", u, layer)}
		}
		c := p.Shape[len(p.Shape)-1]
		sum := 0.0
		for i := u; i < len(p.Data); i += c {
			sum += float64(p.Data[i]) * float64(p.Data[i])
		}
		return math.Sqrt(sum), nil
	}
	first, err := norm(&h.Snapshots[0])
	if err != nil {
		return fact{}, err
	}
	last, err := norm(&h.Snapshots[len(h.Snapshots)-1])
	if err != nil {
		return fact{}, err
	}
	if first == 0 {
		return fact{}, noFact{reason: fmt.Sprintf("kernel %d of layer %q starts at zero", u, layer)}
	}
	v := strconv.FormatFloat(last/first, 'f', 1, 64)
	return fact{v, v}, nil
}
