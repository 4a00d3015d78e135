package sitecheck

import (
	"bytes"
	"regexp"
	"strings"
)

// style is what Check needs from a stylesheet: the addresses it loads.
type style struct {
	refs []ref
}

var (
	cssURL    = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)`)
	cssImport = regexp.MustCompile(`(?i)@import\s+(?:"([^"]*)"|'([^']*)')`)
	cssNoise  = regexp.MustCompile(`(?s)/\*.*?\*/`)
)

// parseCSS finds url() and @import targets. Every one is fetched when the
// rule applies; fonts and backgrounds of the first screen usually do, so
// all count against the first load.
func parseCSS(data []byte) *style {
	s := &style{}
	clean := cssNoise.ReplaceAllFunc(data, func(c []byte) []byte {
		return bytes.Repeat([]byte{'\n'}, bytes.Count(c, []byte{'\n'})) // keep line numbers
	})
	add := func(m [][]byte, at int, attr string) {
		u := ""
		for _, g := range m[1:] {
			if g != nil {
				u = string(g)
				break
			}
		}
		if strings.HasPrefix(u, "#") {
			return // an SVG paint server in the same document
		}
		s.refs = append(s.refs, ref{tag: "css", attr: attr, url: u, line: 1 + bytes.Count(clean[:at], []byte{'\n'}), loaded: true, eager: true})
	}
	for _, ix := range cssURL.FindAllSubmatchIndex(clean, -1) {
		add(groups(clean, ix), ix[0], "url()")
	}
	for _, ix := range cssImport.FindAllSubmatchIndex(clean, -1) {
		add(groups(clean, ix), ix[0], "@import")
	}
	return s
}

func groups(b []byte, ix []int) [][]byte {
	out := make([][]byte, len(ix)/2)
	for i := range out {
		if ix[2*i] >= 0 {
			out[i] = b[ix[2*i]:ix[2*i+1]]
		}
	}
	return out
}
