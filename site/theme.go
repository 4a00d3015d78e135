package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// theme holds the parsed layouts: one template set per page kind, each made
// of the shared files plus the kind's own file.
type theme struct {
	kinds  map[string]*template.Template
	static string // the theme's static folder
}

// sharedLayouts are parsed into every page kind; the others are page kinds.
var sharedLayouts = map[string]bool{"base.html": true, "figures.html": true, "partials.html": true}

// loadTheme reads themeDir/layouts/*.html, letting a file of the same name
// in override (the project's layouts/ folder) take its place.
func loadTheme(themeDir, override string) (*theme, error) {
	files := map[string]string{}
	for _, dir := range []string{filepath.Join(themeDir, "layouts"), override} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && dir == override {
				continue
			}
			return nil, fmt.Errorf("theme: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".html") {
				files[e.Name()] = filepath.Join(dir, e.Name())
			}
		}
	}
	for name := range sharedLayouts {
		if files[name] == "" {
			return nil, fmt.Errorf("theme %s: layouts/%s is missing", themeDir, name)
		}
	}
	shared := template.New("").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"add": func(a, b int) int { return a + b },
		// pair joins the page with a view, for partials that need both.
		"pair": func(p *PageData, v any) map[string]any { return map[string]any{"P": p, "V": v} },
	})
	for _, name := range sortedKeys(sharedLayouts) {
		if err := parseLayout(shared, files[name]); err != nil {
			return nil, err
		}
	}
	th := &theme{kinds: map[string]*template.Template{}, static: filepath.Join(themeDir, "static")}
	for _, name := range sortedKeys(files) {
		if sharedLayouts[name] {
			continue
		}
		t, err := shared.Clone()
		if err != nil {
			return nil, err
		}
		if err := parseLayout(t, files[name]); err != nil {
			return nil, err
		}
		th.kinds[strings.TrimSuffix(name, ".html")] = t
	}
	for _, k := range []string{"home", "chapter", "neuron", "404"} {
		if th.kinds[k] == nil {
			return nil, fmt.Errorf("theme %s: layouts/%s.html is missing", themeDir, k)
		}
	}
	return th, nil
}

var tmplLine = regexp.MustCompile(`^template: [^:]*:(\d+):`)

// parseLayout parses one file under its path, so errors read
// "themes/default/layouts/x.html:12: ...".
func parseLayout(t *template.Template, file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("theme: %w", err)
	}
	if _, err := t.New(filepath.ToSlash(file)).Parse(string(src)); err != nil {
		return templateError(file, err)
	}
	return nil
}

func templateError(file string, err error) error {
	msg := err.Error()
	if m := tmplLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", file, m[1], strings.TrimSpace(msg[len(m[0]):]))
	}
	return fmt.Errorf("%s: %w", file, err)
}

var execLine = regexp.MustCompile(`template: ([^:]+):(\d+):(\d+): `)

// execute runs the page kind's "base" template.
func (th *theme) execute(kind string, data any) ([]byte, error) {
	t := th.kinds[kind]
	if t == nil {
		return nil, fmt.Errorf("theme: no layout for %s pages", kind)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		if m := execLine.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", m[1], m[2], err.Error()[strings.Index(err.Error(), m[0])+len(m[0]):])
		}
		return nil, fmt.Errorf("theme: %s page: %w", kind, err)
	}
	return buf.Bytes(), nil
}

// fragment runs a named template (a figure) into HTML.
func (th *theme) fragment(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := th.kinds["chapter"].ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	return buf.Bytes(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
