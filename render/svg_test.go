package render

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestSVGWriter(t *testing.T) {
	tests := []struct {
		name  string
		build func(s *SVG)
		want  string
	}{
		{"empty", func(s *SVG) {}, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" width="10" height="5"></svg>`},
		{"nested and numbers", func(s *SVG) {
			s.Open("g", A("fill", "none"))
			s.Elem("rect", F("x", 1.23456), F("y", -0.0001), F("width", 2.5))
			s.Close()
		}, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" width="10" height="5"><g fill="none"><rect x="1.235" y="0" width="2.5"/></g></svg>`},
		{"escaping", func(s *SVG) {
			s.Text("text", `1 < 2 & "3"`, A("data-x", `a"b<c&d`+"\n"))
		}, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 5" width="10" height="5"><text data-x="a&quot;b&lt;c&amp;d&#10;">1 &lt; 2 &amp; "3"</text></svg>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSVG(10, 5)
			tt.build(s)
			got, err := s.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSuffix(string(got), "\n") != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			// Whatever we write must be well-formed XML.
			if err := xml.Unmarshal(got, new(struct{})); err != nil {
				t.Errorf("not well-formed: %v", err)
			}
		})
	}
}

func TestSVGWriterErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(s *SVG)
	}{
		{"left open", func(s *SVG) { s.Open("g") }},
		{"closed twice", func(s *SVG) { s.Close(); s.Close() }},
		{"bad element", func(s *SVG) { s.Elem("a b") }},
		{"bad attribute", func(s *SVG) { s.Elem("rect", A(`x"`, "1")) }},
		{"attribute starting with digit", func(s *SVG) { s.Elem("rect", A("1x", "1")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSVG(1, 1)
			tt.build(s)
			if out, err := s.Bytes(); err == nil {
				t.Errorf("no error; wrote %s", out)
			}
		})
	}
}

func TestNum(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {-0.0001, "0"}, {1, "1"}, {-2.5, "-2.5"}, {1.0005, "1.001"}, {1e6, "1000000"},
		{1.23456789, "1.235"},
	}
	for _, tt := range tests {
		if got := Num(tt.v); got != tt.want {
			t.Errorf("Num(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
