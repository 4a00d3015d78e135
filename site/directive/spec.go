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

// Form is what one directive name accepts: its arguments and, when they
// depend on each other, a check of the whole directive run after each
// argument has passed its own.
type Form struct {
	Args  map[string]Arg
	Check func(Directive) error
}

// Spec lists every directive name the caller knows and its form. The
// package knows none: the site builds its Spec from its own table.
type Spec map[string]Form

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
	form, ok := s[d.Name]
	if !ok {
		return fmt.Errorf("unknown figure %q (known: %s)", d.Name, strings.Join(s.Names(), ", "))
	}
	args := form.Args
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
	if form.Check != nil {
		if err := form.Check(d); err != nil {
			return fmt.Errorf("figure %s: %w", d.Name, err)
		}
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
