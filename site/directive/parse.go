// Package directive is a goldmark extension for directives, the one piece
// of syntax the chapters add to Markdown:
//
//	{{< name key="value" n=3 >}}
//
// A paragraph that is exactly one directive becomes a Figure node, rendered
// by the caller's Resolver. Parse checks the syntax and a Spec checks names,
// arguments and values, so a typo in a chapter fails the build at its line
// instead of publishing a broken page.
//
// The same syntax inside a sentence is an inline directive (see inline.go),
// resolved by the caller's InlineResolver.
//
// The package knows no directive names: the caller's Specs list them, as
// goldmark's table extension knows no tables (the site's are in
// site/figtable.go and site/facts.go).
package directive

import (
	"fmt"
	"sort"
	"strings"
)

// Directive is one parsed figure directive.
type Directive struct {
	Name string
	Args map[string]string
	Line int // 1-based line in the source file, 0 if unknown
}

// Keys returns the argument names in sorted order.
func (d Directive) Keys() []string {
	keys := make([]string, 0, len(d.Args))
	for k := range d.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// String writes the directive back in its canonical form (sorted arguments,
// values quoted), so parse(print(d)) == d.
func (d Directive) String() string {
	var b strings.Builder
	b.WriteString("{{< ")
	b.WriteString(d.Name)
	for _, k := range d.Keys() {
		fmt.Fprintf(&b, " %s=%s", k, quote(d.Args[k]))
	}
	b.WriteString(" >}}")
	return b.String()
}

func quote(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	v = strings.ReplaceAll(v, `"`, `\"`)
	return `"` + v + `"`
}

const (
	open  = "{{<"
	close = ">}}"
)

// IsCandidate reports whether text looks like a directive (starts with the
// opening and ends with the closing delimiter), so that a malformed one is
// reported instead of being published as text.
func IsCandidate(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasPrefix(t, open) || strings.HasSuffix(t, close)
}

// SyntaxError is a directive that cannot be read.
type SyntaxError struct {
	Msg string
}

func (e *SyntaxError) Error() string { return "figure directive: " + e.Msg }

// Parse reads one directive that makes up the whole of text (surrounding
// white space allowed). It checks syntax only; see Spec.Check for meaning.
func Parse(text string) (Directive, error) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, open) {
		return Directive{}, &SyntaxError{"must start with " + open}
	}
	if !strings.HasSuffix(t, close) || len(t) < len(open)+len(close) {
		return Directive{}, &SyntaxError{"must end with " + close}
	}
	body := t[len(open) : len(t)-len(close)]
	s := &scanner{src: body}
	s.space()
	name := s.word()
	if name == "" {
		return Directive{}, &SyntaxError{"missing figure name after " + open}
	}
	if !validName(name) {
		return Directive{}, &SyntaxError{fmt.Sprintf("bad figure name %q", name)}
	}
	d := Directive{Name: name, Args: map[string]string{}}
	for {
		hadSpace := s.space()
		if s.done() {
			break
		}
		if !hadSpace {
			return Directive{}, &SyntaxError{fmt.Sprintf("expected a space before %q", s.rest())}
		}
		key := s.key()
		if key == "" || !validName(key) {
			return Directive{}, &SyntaxError{fmt.Sprintf("expected key=value, found %q", s.rest())}
		}
		if !s.eat('=') {
			return Directive{}, &SyntaxError{fmt.Sprintf("argument %s has no value (write %s=VALUE)", key, key)}
		}
		val, err := s.value()
		if err != nil {
			return Directive{}, &SyntaxError{fmt.Sprintf("argument %s: %v", key, err)}
		}
		if _, dup := d.Args[key]; dup {
			return Directive{}, &SyntaxError{fmt.Sprintf("argument %s given twice", key)}
		}
		d.Args[key] = val
	}
	return d, nil
}

func validName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

type scanner struct {
	src string
	pos int
}

func (s *scanner) done() bool   { return s.pos >= len(s.src) }
func (s *scanner) rest() string { return s.src[s.pos:] }

func (s *scanner) space() bool {
	start := s.pos
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
	return s.pos > start
}

func (s *scanner) eat(c byte) bool {
	if s.pos < len(s.src) && s.src[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// word reads up to the next space.
func (s *scanner) word() string {
	start := s.pos
	for s.pos < len(s.src) && s.src[s.pos] != ' ' && s.src[s.pos] != '\t' {
		s.pos++
	}
	return s.src[start:s.pos]
}

// key reads up to '=' or a space.
func (s *scanner) key() string {
	start := s.pos
	for s.pos < len(s.src) && s.src[s.pos] != '=' && s.src[s.pos] != ' ' && s.src[s.pos] != '\t' {
		s.pos++
	}
	return s.src[start:s.pos]
}

func (s *scanner) value() (string, error) {
	if s.done() {
		return "", fmt.Errorf("empty value")
	}
	if s.src[s.pos] != '"' {
		v := s.word()
		if v == "" {
			return "", fmt.Errorf("empty value")
		}
		if strings.ContainsAny(v, `"\`) {
			return "", fmt.Errorf("value %q has a quote or backslash; put it in double quotes", v)
		}
		return v, nil
	}
	s.pos++
	var b strings.Builder
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch c {
		case '"':
			s.pos++
			return b.String(), nil
		case '\\':
			if s.pos+1 >= len(s.src) {
				return "", fmt.Errorf("unfinished escape")
			}
			n := s.src[s.pos+1]
			if n != '"' && n != '\\' {
				return "", fmt.Errorf("unknown escape \\%c", n)
			}
			b.WriteByte(n)
			s.pos += 2
		default:
			b.WriteByte(c)
			s.pos++
		}
	}
	return "", fmt.Errorf("missing closing quote")
}
