package render

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SVG is a small streaming writer for standalone SVG documents. Elements
// are opened and closed in order; Bytes fails if any is left open, so a
// figure cannot be written half-nested. Numbers are written with at most
// three decimals so output is stable and short.
type SVG struct {
	buf   bytes.Buffer
	stack []string
	err   error
}

// Attr is one attribute; build them with A and F.
type Attr struct{ Name, Value string }

// A is a string attribute; the value is escaped when written.
func A(name, value string) Attr { return Attr{name, value} }

// F is a numeric attribute written with Num.
func F(name string, v float64) Attr { return Attr{name, Num(v)} }

// Num formats v with at most three decimals and no trailing zeros; -0 and
// non-finite values become 0 (SVG has no NaN).
func Num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	v = math.Round(v*1000) / 1000
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// NewSVG starts a document with a viewBox of w by h user units and the
// given extra attributes on the root element (e.g. role, class).
func NewSVG(w, h float64, attrs ...Attr) *SVG {
	s := &SVG{}
	root := append([]Attr{A("xmlns", "http://www.w3.org/2000/svg"), A("viewBox", "0 0 "+Num(w)+" "+Num(h)),
		F("width", w), F("height", h)}, attrs...)
	s.Open("svg", root...)
	return s
}

// Open writes a start tag and pushes it.
func (s *SVG) Open(tag string, attrs ...Attr) {
	s.start(tag, attrs)
	s.buf.WriteString(">")
	s.stack = append(s.stack, tag)
}

// Close ends the innermost open element.
func (s *SVG) Close() {
	if len(s.stack) == 0 {
		s.fail(fmt.Errorf("svg: close without an open element"))
		return
	}
	tag := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	s.buf.WriteString("</" + tag + ">")
}

// Elem writes an empty element such as <rect .../>.
func (s *SVG) Elem(tag string, attrs ...Attr) {
	s.start(tag, attrs)
	s.buf.WriteString("/>")
}

// Text writes an element holding escaped character data, e.g. a number in
// <text> or a CSS rule in <style>.
func (s *SVG) Text(tag, text string, attrs ...Attr) {
	s.start(tag, attrs)
	s.buf.WriteString(">")
	s.buf.WriteString(escape(text, false))
	s.buf.WriteString("</" + tag + ">")
}

// Bytes closes the root element and returns the document. It fails if an
// element other than the root is still open or a name was invalid.
func (s *SVG) Bytes() ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	if len(s.stack) != 1 {
		return nil, fmt.Errorf("svg: %d elements left open (%s)", len(s.stack)-1, strings.Join(s.stack, ">"))
	}
	s.Close()
	s.buf.WriteString("\n")
	return s.buf.Bytes(), nil
}

func (s *SVG) start(tag string, attrs []Attr) {
	if !validName(tag) {
		s.fail(fmt.Errorf("svg: invalid element name %q", tag))
		return
	}
	s.buf.WriteString("<" + tag)
	for _, a := range attrs {
		if !validName(a.Name) {
			s.fail(fmt.Errorf("svg: invalid attribute name %q on <%s>", a.Name, tag))
			continue
		}
		s.buf.WriteString(" " + a.Name + `="` + escape(a.Value, true) + `"`)
	}
}

func (s *SVG) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// validName accepts XML names made of ASCII letters, digits, '-', '_', '.'
// and ':' that start with a letter: every SVG and xlink name we write.
func validName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if i == 0 && !letter {
			return false
		}
		if !letter && !(r >= '0' && r <= '9') && r != '-' && r != '_' && r != '.' && r != ':' {
			return false
		}
	}
	return true
}

// escape replaces the XML special characters; quotes only in attributes.
func escape(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\n' && attr:
			b.WriteString("&#10;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
