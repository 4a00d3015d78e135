package site

import (
	"slices"
	"testing"
)

func TestWarningsSortedByFields(t *testing.T) {
	tests := []struct {
		name string
		in   []warning
		want []string
	}{
		{"line numbers in number order",
			[]warning{{File: "a.md", Line: 10, Kind: warnFigure, Msg: "figure x: gone"}, {File: "a.md", Line: 9, Kind: warnFact, Msg: "fact y: gone"}},
			[]string{"a.md:9: fact y: gone", "a.md:10: figure x: gone"}},
		{"a fallback's repeat said once",
			[]warning{{File: "en/a.md", Line: 3, Kind: warnForeignImage, Msg: "image"}, {File: "en/a.md", Line: 3, Kind: warnForeignImage, Msg: "image"}},
			[]string{"en/a.md:3: image"}},
		{"a whole-file warning before its lines",
			[]warning{{File: "s", Line: 1, Kind: warnFigure, Msg: "m"}, {File: "s", Kind: warnNoProbe, Msg: "no probe"}},
			[]string{"s: no probe", "s:1: m"}},
		{"files in name order",
			[]warning{{File: "b.md", Line: 1, Msg: "x"}, {File: "a.md", Line: 7, Msg: "x"}},
			[]string{"a.md:7: x", "b.md:1: x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &warnLog{}
			l.add(tt.in...)
			if got := warningStrings(l.sorted()); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCachedWarning(t *testing.T) {
	b := &builder{index: map[string]*chapter{"en": {file: "content/en/_index.md"}, "zh-CN": {file: "content/zh-CN/_index.md"}}}
	tests := []struct {
		w    warning
		want bool
	}{
		{warning{File: "content/en/_index.md", Line: 4, Kind: warnFigure}, true},
		{warning{File: "content/zh-CN/_index.md", Line: 4, Kind: warnFact}, true},
		{warning{File: "content/en/strings.toml", Kind: warnStringKey}, true},
		{warning{File: "content/en/01-one.md", Line: 4, Kind: warnFigure}, false},
		{warning{File: "samples", Kind: warnNoProbe}, false},
	}
	for _, tt := range tests {
		if got := b.cachedWarning(tt.w); got != tt.want {
			t.Errorf("cachedWarning(%v) = %v, want %v", tt.w, got, tt.want)
		}
	}
}
