package directive

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ArgType says what values an argument takes.
type ArgType int

const (
	// Ident is a name such as a layer or sample id: letters, digits, '_', '-' and '.'.
	Ident ArgType = iota + 1
	// Int is a whole number within [Min, Max].
	Int
	// Enum is one of Values.
	Enum
	// Text is any short text without a path in it, such as an expected value.
	Text
)

// Arg describes one argument of a figure.
type Arg struct {
	Type     ArgType
	Required bool
	Min, Max int      // for Int
	Values   []string // for Enum
}

// Spec lists every figure name and its arguments.
type Spec map[string]map[string]Arg

var (
	sampleArg = Arg{Type: Ident}
	layerArg  = Arg{Type: Ident, Required: true}
	indexArg  = Arg{Type: Int, Required: true, Min: 0, Max: 1 << 20}
)

// Figures is the contract the chapters are written against.
func Figures() Spec {
	return Spec{
		"overview":       {"sample": sampleArg},
		"samples":        {},
		"input":          {"sample": sampleArg},
		"layer":          {"sample": sampleArg, "name": layerArg},
		"kernels":        {"layer": layerArg, "neuron": indexArg},
		"conv":           {"sample": sampleArg, "layer": layerArg, "neuron": indexArg, "channel": indexArg},
		"relu":           {"sample": sampleArg, "layer": layerArg, "neuron": indexArg},
		"maxpool":        {"sample": sampleArg, "layer": layerArg, "neuron": indexArg},
		"flatten":        {"sample": sampleArg},
		"dense":          {"sample": sampleArg, "class": indexArg},
		"softmax":        {"sample": sampleArg},
		"playground":     {"size": {Type: Int, Min: 1, Max: 9}, "padding": {Type: Int, Min: 0, Max: 4}, "kernel": {Type: Int, Min: 1, Max: 9}, "stride": {Type: Int, Min: 1, Max: 9}},
		"curves":         {},
		"kernel-history": {"layer": {Type: Ident}},
		"confusion":      {},
		"learned":        {"part": {Type: Enum, Values: []string{"facts", "showcase"}}, "pick": {Type: Ident}},
		"legend":         {"scale": {Type: Enum, Required: true, Values: []string{"activation", "input", "kernel", "logit"}}},
	}
}

// Names returns the figure names in sorted order.
func (s Spec) Names() []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check reports the first problem with d: an unknown figure or argument, a
// missing required argument, a value of the wrong kind, or a value that
// names a path outside the project.
func (s Spec) Check(d Directive) error {
	args, ok := s[d.Name]
	if !ok {
		return fmt.Errorf("unknown figure %q (known: %s)", d.Name, strings.Join(s.Names(), ", "))
	}
	for _, k := range d.Keys() {
		a, ok := args[k]
		if !ok {
			return fmt.Errorf("figure %s: unknown argument %q (known: %s)", d.Name, k, strings.Join(argNames(args), ", "))
		}
		if err := a.check(d.Args[k]); err != nil {
			return fmt.Errorf("figure %s: argument %s: %w", d.Name, k, err)
		}
	}
	for _, k := range argNames(args) {
		if _, given := d.Args[k]; args[k].Required && !given {
			return fmt.Errorf("figure %s: missing argument %s", d.Name, k)
		}
	}
	if d.Name == "playground" {
		return checkPlayground(d)
	}
	return nil
}

func argNames(args map[string]Arg) []string {
	names := make([]string, 0, len(args))
	for n := range args {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (a Arg) check(v string) error {
	if strings.ContainsAny(v, `/\`) || strings.Contains(v, "..") {
		clean := path.Clean(strings.ReplaceAll(v, `\`, "/"))
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return fmt.Errorf("%q is a path outside the project", v)
		}
		return fmt.Errorf("%q is a path; figures take names, not paths", v)
	}
	switch a.Type {
	case Ident:
		if v == "" {
			return fmt.Errorf("empty name")
		}
		for _, r := range v {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
				return fmt.Errorf("%q is not a name (letters, digits, _ - . only)", v)
			}
		}
	case Int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		if n < a.Min || n > a.Max {
			return fmt.Errorf("%d is outside %d..%d", n, a.Min, a.Max)
		}
	case Text:
		if len(v) > 200 {
			return fmt.Errorf("text of %d bytes is too long", len(v))
		}
	case Enum:
		for _, ok := range a.Values {
			if v == ok {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(a.Values, ", "))
	}
	return nil
}

// Playground is the setting of the hyperparameter widget.
type Playground struct {
	Size, Padding, Kernel, Stride int
}

// Out is the output size, (size + 2*padding - kernel)/stride + 1.
func (p Playground) Out() int { return (p.Size+2*p.Padding-p.Kernel)/p.Stride + 1 }

// PlaygroundOf reads the widget's setting from d, with the defaults
// size=5 padding=1 kernel=3 stride=1 for what is left out.
func PlaygroundOf(d Directive) Playground {
	p := Playground{Size: 5, Padding: 1, Kernel: 3, Stride: 1}
	for k, dst := range map[string]*int{"size": &p.Size, "padding": &p.Padding, "kernel": &p.Kernel, "stride": &p.Stride} {
		if v, ok := d.Args[k]; ok {
			if n, err := strconv.Atoi(v); err == nil {
				*dst = n
			}
		}
	}
	return p
}

func checkPlayground(d Directive) error {
	p := PlaygroundOf(d)
	if p.Kernel > p.Size+2*p.Padding {
		return fmt.Errorf("figure playground: kernel %d is larger than the padded input %d", p.Kernel, p.Size+2*p.Padding)
	}
	if p.Padding >= p.Kernel {
		return fmt.Errorf("figure playground: padding %d must be smaller than the kernel %d", p.Padding, p.Kernel)
	}
	if (p.Size+2*p.Padding-p.Kernel)%p.Stride != 0 {
		return fmt.Errorf("figure playground: stride %d does not fit: (size %d + 2*padding %d - kernel %d) is not a multiple of it", p.Stride, p.Size, p.Padding, p.Kernel)
	}
	return nil
}

// Int returns the integer argument k, or def when absent.
func (d Directive) Int(k string, def int) int {
	if v, ok := d.Args[k]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// Str returns argument k, or def when absent.
func (d Directive) Str(k, def string) string {
	if v, ok := d.Args[k]; ok {
		return v
	}
	return def
}
