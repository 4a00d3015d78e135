package sitecheck

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
)

// ref is one address a file names.
type ref struct {
	tag, attr, url string
	line           int
	loaded         bool // the browser fetches it to show the page (not a navigation)
	eager          bool // fetched on first load, so it counts against the budget
	folder         bool // names a folder that a script appends file names to
}

type issue struct {
	line int
	rule Rule
	msg  string
}

// page is what Check needs from one HTML file.
type page struct {
	refs         []ref
	ids          map[string]bool
	errs         []issue
	inlineJS     int64
	inlineJSText []string
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// Attributes whose value a browser fetches as part of showing the page.
var loadedAttrs = map[string]map[string]bool{
	"img":    {"src": true, "srcset": true},
	"script": {"src": true},
	"source": {"src": true, "srcset": true},
	"video":  {"src": true, "poster": true},
	"audio":  {"src": true},
	"track":  {"src": true},
	"iframe": {"src": true},
	"embed":  {"src": true},
	"object": {"data": true},
	"input":  {"src": true},
}

// rel values of <link> that make the browser fetch the target.
var loadedRels = map[string]bool{"stylesheet": true, "icon": true, "preload": true, "modulepreload": true,
	"manifest": true, "apple-touch-icon": true, "prefetch": true, "mask-icon": true}

// File types a data-* attribute may name for a script to load later.
var dataExts = regexp.MustCompile(`(?i)^[^\s"'<>]+\.(png|jpe?g|gif|webp|svg|json|html|txt|bin|npy)([?#][^\s]*)?$`)

type element struct {
	name  string
	line  int
	attrs map[string]string
	order []string
}

func (e *element) has(k string) bool { _, ok := e.attrs[k]; return ok }

func scriptIsJS(e *element) bool {
	if e == nil || e.has("src") {
		return false
	}
	t := strings.ToLower(strings.TrimSpace(e.attrs["type"]))
	return t == "" || t == "module" || t == "text/javascript" || t == "application/javascript"
}

// element records what one start tag adds: its id, its references and
// whether a figure it stands for has a text alternative.
func (pg *page) element(e *element, errf func(int, Rule, string, ...any)) {
	if id, ok := e.attrs["id"]; ok {
		if id == "" {
			errf(e.line, RuleHTML, "<%s> has an empty id", e.name)
		} else if pg.ids[id] {
			errf(e.line, RuleDupID, "id %q appears twice", id)
		}
		pg.ids[id] = true
	}
	if e.name == "html" && strings.TrimSpace(e.attrs["lang"]) == "" {
		errf(e.line, RuleHTML, "<html> has no lang")
	}
	lazy := strings.EqualFold(e.attrs["loading"], "lazy")
	for _, k := range e.order {
		v := e.attrs[k]
		switch {
		case loadedAttrs[e.name][k]:
			if e.name == "input" && !strings.EqualFold(e.attrs["type"], "image") {
				continue
			}
			if k == "srcset" {
				for _, u := range srcsetURLs(v) {
					pg.refs = append(pg.refs, ref{tag: e.name, attr: k, url: u, line: e.line, loaded: true})
				}
				continue
			}
			pg.refs = append(pg.refs, ref{tag: e.name, attr: k, url: v, line: e.line, loaded: true, eager: !lazy})
		case k == "href" && e.name == "link":
			rels := strings.Fields(strings.ToLower(e.attrs["rel"]))
			loaded := false
			for _, r := range rels {
				loaded = loaded || loadedRels[r]
			}
			eager := loaded && !contains(rels, "prefetch") && !contains(rels, "manifest")
			if !loaded && (strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) {
				continue // canonical and alternate addresses name the published site
			}
			pg.refs = append(pg.refs, ref{tag: e.name, attr: k, url: v, line: e.line, loaded: loaded, eager: eager})
		case k == "href" || k == "action" || k == "formaction" || k == "cite":
			pg.refs = append(pg.refs, ref{tag: e.name, attr: k, url: v, line: e.line})
		case k == "style":
			for _, r := range parseCSS([]byte(v)).refs {
				r.tag, r.attr, r.line = e.name, "style", e.line
				pg.refs = append(pg.refs, r)
			}
		case k == "data-base":
			pg.refs = append(pg.refs, ref{tag: e.name, attr: k, url: v, line: e.line, folder: true})
		case strings.HasPrefix(k, "data-") && dataExts.MatchString(v):
			pg.refs = append(pg.refs, ref{tag: e.name, attr: k, url: v, line: e.line, loaded: true})
		}
	}
	if base, ok := e.attrs["data-base"]; ok {
		// The detail player fetches data-base + <input layer> + ".json".
		var d struct {
			In string `json:"in"`
		}
		if raw, ok := e.attrs["data-detail"]; ok {
			if err := json.Unmarshal([]byte(raw), &d); err != nil {
				errf(e.line, RuleHTML, "<%s data-detail> is not JSON: %v", e.name, err)
			} else if d.In != "" {
				pg.refs = append(pg.refs, ref{tag: e.name, attr: "data-base+data-detail.in", url: base + d.In + ".json", line: e.line, loaded: true})
			}
		}
	}
	pg.textAlternative(e, errf)
}

// textAlternative flags a figure that a screen reader could only announce
// as "image". An empty alt marks a decorative picture and is allowed; a
// missing one is not.
func (pg *page) textAlternative(e *element, errf func(int, Rule, string, ...any)) {
	named := strings.TrimSpace(e.attrs["aria-label"]) != "" || strings.TrimSpace(e.attrs["aria-labelledby"]) != "" ||
		strings.TrimSpace(e.attrs["title"]) != ""
	hidden := e.attrs["aria-hidden"] == "true"
	switch {
	case e.name == "img" && !e.has("alt") && !named:
		errf(e.line, RuleAlt, "<img src=%q> has no alt", e.attrs["src"])
	case e.name == "object" && !named:
		errf(e.line, RuleAlt, "<object data=%q> has no aria-label or title", e.attrs["data"])
	case e.name == "input" && strings.EqualFold(e.attrs["type"], "image") && strings.TrimSpace(e.attrs["alt"]) == "" && !named:
		errf(e.line, RuleAlt, "<input type=image> has no alt")
	case e.attrs["role"] == "img" && !named && !hidden && e.name != "img":
		errf(e.line, RuleAlt, "<%s role=img> has no aria-label or aria-labelledby", e.name)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func srcsetURLs(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		if f := strings.Fields(part); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

// svgRefs parses inline SVG or MathML (or an SVG file) as XML, reporting
// where it is not well formed, and returns the addresses it loads.
func svgRefs(data []byte, line0 int) ([]ref, []issue) {
	var refs []ref
	var errs []issue
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	depth := 0
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, issue{line0 + bytes.Count(data[:off], []byte{'\n'}), RuleHTML, fmt.Sprintf("inline SVG/MathML is not well-formed XML: %v", err)})
			break
		}
		l := line0 + bytes.Count(data[:off], []byte{'\n'})
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && t.Name.Local == "svg" {
				if e := svgRoot(t); e != "" {
					errs = append(errs, issue{l, RuleAlt, e})
				}
			}
			depth++
			for _, a := range t.Attr {
				if a.Name.Local == "href" || a.Name.Local == "src" {
					loaded := t.Name.Local != "a"
					refs = append(refs, ref{tag: t.Name.Local, attr: a.Name.Local, url: a.Value, line: l, loaded: loaded, eager: loaded})
				}
				if a.Name.Local == "style" {
					for _, r := range parseCSS([]byte(a.Value)).refs {
						r.tag, r.attr, r.line = t.Name.Local, "style", l
						refs = append(refs, r)
					}
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	return refs, errs
}

// svgRoot checks that an <svg role="img"> is named. A <title> child is
// also a name, but the markup here puts names on the element itself.
func svgRoot(t xml.StartElement) string {
	role, named, hidden := "", false, false
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "role":
			role = a.Value
		case "aria-label", "aria-labelledby":
			named = named || strings.TrimSpace(a.Value) != ""
		case "aria-hidden":
			hidden = a.Value == "true"
		}
	}
	if role == "img" && !named && !hidden {
		return "<svg role=img> has no aria-label or aria-labelledby"
	}
	return ""
}

func xmlIDs(data []byte) []string {
	var ids []string
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return ids
		}
		if t, ok := tok.(xml.StartElement); ok {
			for _, a := range t.Attr {
				if a.Name.Local == "id" && a.Name.Space == "" {
					ids = append(ids, a.Value)
				}
			}
		}
	}
}

func unescapePath(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

var absURL = regexp.MustCompile(`(?i)https?://[^\s"'` + "`" + `)<>\\]+`)

// isNamespace tells XML namespace names, which scripts pass to
// createElementNS and never fetch, from addresses.
func isNamespace(u string) bool {
	u = strings.ToLower(u)
	return strings.HasPrefix(u, "http://www.w3.org/") || strings.HasPrefix(u, "https://www.w3.org/")
}
