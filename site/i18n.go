package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Language is one edition of the site: a folder content/<code>/ with
// chapters and a strings.toml.
type Language struct {
	Code    string // BCP 47 tag, as the folder is named: "en", "zh-CN"
	Name    string // its own name, from strings key language.name
	Default bool   // served at the site root
	Dir     string
	Prefix  string // "" for the default language, otherwise "zh-CN/"

	strings  map[string]string // this language's own strings
	fallback map[string]string // the default language's strings
	missing  *keyLog           // where T records keys no table has; may be nil
}

// Strings is the flattened strings table of one language.
type Strings map[string]string

// LoadStrings reads a strings.toml and flattens nested tables into dotted
// keys ("alt.activation"). Every value must be a string.
func LoadStrings(name string) (Strings, error) {
	var raw map[string]any
	if _, err := toml.DecodeFile(name, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := Strings{}
	if err := flatten("", raw, out); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

func flatten(prefix string, m map[string]any, out Strings) error {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case string:
			out[key] = v
		case map[string]any:
			if err := flatten(key, v, out); err != nil {
				return err
			}
		default:
			return fmt.Errorf("key %s: value must be text, got %T", key, v)
		}
	}
	return nil
}

// discoverLanguages lists the language folders under root: every folder
// that holds a strings.toml or a Markdown file. The default comes first,
// the rest sorted by code.
func discoverLanguages(root, def string, only []string) ([]*Language, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	var codes []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if hasLangFiles(dir) {
			if !validLangCode(e.Name()) {
				return nil, fmt.Errorf("%s: folder name is not a language code such as en or zh-CN", dir)
			}
			codes = append(codes, e.Name())
		}
	}
	sort.Strings(codes)
	found := map[string]bool{}
	for _, c := range codes {
		found[c] = true
	}
	if !found[def] {
		if isDir(filepath.Join(root, def)) {
			return nil, fmt.Errorf("content: the default language folder %s holds no chapters (*.md) and no strings.toml", filepath.Join(root, def))
		}
		return nil, fmt.Errorf("content: default language folder %s is missing", filepath.Join(root, def))
	}
	want := map[string]bool{}
	for _, c := range only {
		if !validLangCode(c) {
			return nil, fmt.Errorf("-lang %q is not a language code such as en or zh-CN", c)
		}
		if !found[c] {
			return nil, fmt.Errorf("content: no language folder %s", filepath.Join(root, c))
		}
		want[c] = true
	}
	langs := []*Language{{Code: def, Default: true, Dir: filepath.Join(root, def)}}
	for _, c := range codes {
		if c == def || len(want) > 0 && !want[c] {
			continue
		}
		langs = append(langs, &Language{Code: c, Dir: filepath.Join(root, c), Prefix: c + "/"})
	}
	return langs, nil
}

func hasLangFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Name() == "strings.toml" || strings.HasSuffix(e.Name(), ".md") {
			return true
		}
	}
	return false
}

func validLangCode(s string) bool {
	if s == "" || len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if part == "" || len(part) > 8 || i == 0 && len(part) < 2 {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// loadStrings fills every language's table and returns the keys each one
// lacks compared with the default language.
func loadStrings(langs []*Language) (map[string][]string, error) {
	missing := map[string][]string{}
	var def Strings
	for _, l := range langs {
		name := filepath.Join(l.Dir, "strings.toml")
		s, err := LoadStrings(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && !l.Default {
				s = Strings{}
			} else {
				return nil, err
			}
		}
		l.strings = s
		if l.Default {
			def = s
		}
	}
	for _, l := range langs {
		l.fallback = def
		l.Name = l.strings["language.name"]
		if l.Name == "" {
			l.Name = l.Code
		}
		if l.Default {
			continue
		}
		for k := range def {
			if _, ok := l.strings[k]; !ok {
				missing[l.Code] = append(missing[l.Code], k)
			}
		}
		sort.Strings(missing[l.Code])
		missing[l.Code] = append(missing[l.Code], placeholderGaps(def, l.strings)...)
	}
	return missing, nil
}

// T returns the string for key in this language, falling back to the
// default language and then to the key itself, so a gap shows up as a
// visible key rather than an empty space.
func (l *Language) T(key string) string {
	if v, ok := l.strings[key]; ok {
		return v
	}
	if v, ok := l.fallback[key]; ok {
		return v
	}
	l.missing.miss(key)
	return key
}

// Has reports whether key exists in this language or the default one.
func (l *Language) Has(key string) bool {
	_, a := l.strings[key]
	_, b := l.fallback[key]
	return a || b
}

// Tf fills {name} placeholders in the string for key from pairs of
// name, value arguments.
func (l *Language) Tf(key string, pairs ...any) string {
	s := l.T(key)
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(pairs[i])+"}", fmt.Sprint(pairs[i+1]))
	}
	return s
}

// Class returns the localized name of a model class; class names without
// an entry are shown as the model spells them.
func (l *Language) Class(name string) string {
	if v, ok := l.strings["class."+name]; ok {
		return v
	}
	if v, ok := l.fallback["class."+name]; ok {
		return v
	}
	return name
}
