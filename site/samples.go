package site

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Sample is one picture the site explains, as samples.json lists it.
type Sample struct {
	ID    string `json:"id"`
	File  string `json:"file"`  // relative to the samples folder
	Label string `json:"label"` // class name, or empty when unknown
	Index *int   `json:"index"` // dataset index, when it came from one
	Note  string `json:"note"`
}

// SampleSet is the samples folder: the pictures and, for models that carry
// no class names (TF.js), the classes.
type SampleSet struct {
	Dir     string
	Samples []Sample
	Classes []string
}

type samplesFile struct {
	Samples []Sample `json:"samples"`
	Classes []string `json:"classes"`
}

var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true}

// LoadSamples reads dir/samples.json, or lists every PNG and JPEG in dir
// (and dir/images) when there is none. Classes come from samples.json's
// "classes" or from dir/classes.txt, one per line.
func LoadSamples(dir string) (*SampleSet, error) {
	set := &SampleSet{Dir: dir}
	name := filepath.Join(dir, "samples.json")
	data, err := os.ReadFile(name)
	switch {
	case err == nil:
		var f samplesFile
		trimmed := bytes.TrimSpace(data)
		if len(trimmed) > 0 && trimmed[0] == '[' {
			err = json.Unmarshal(data, &f.Samples) // the bare-list form of docs/architecture.md
		} else {
			// Other fields (cmd/tinyvgg writes "predicted") are for people.
			err = json.Unmarshal(data, &f)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", jsonWhere(name, data, err), err)
		}
		set.Samples, set.Classes = f.Samples, f.Classes
	case errors.Is(err, fs.ErrNotExist):
		set.Samples, err = listImages(dir)
		if err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	if len(set.Classes) == 0 {
		if set.Classes, err = readClasses(filepath.Join(dir, "classes.txt")); err != nil {
			return nil, err
		}
	}
	if len(set.Samples) == 0 {
		return nil, fmt.Errorf("%s: no samples (add samples.json or PNG/JPEG files)", dir)
	}
	seen := map[string]bool{}
	for i, s := range set.Samples {
		where := fmt.Sprintf("%s: sample %d", name, i+1)
		if len(data) == 0 { // a folder of pictures: name the picture
			where = filepath.Join(dir, filepath.FromSlash(s.File))
		}
		if !validID(s.ID) {
			return nil, fmt.Errorf("%s: id %q must be lower-case letters, digits, '-' or '_'", where, s.ID)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("%s: id %q appears twice", where, s.ID)
		}
		seen[s.ID] = true
		if err := insideDir(dir, s.File); err != nil {
			return nil, fmt.Errorf("%s: file: %w", where, err)
		}
	}
	return set, nil
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// insideDir rejects a relative path that is absolute or climbs out of dir,
// so a samples.json cannot make the build read /etc/passwd.
func insideDir(dir, rel string) error {
	if rel == "" {
		return fmt.Errorf("empty path")
	}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%q is a path outside %s", rel, dir)
	}
	return nil
}

// listImages turns every picture in dir and dir/images into a sample whose
// id is its file name without extension, sorted by file name. Pictures in
// any other sub-folder take the folder's name as their class, the layout
// of an image-classification data set: DIR/<class>/*.png.
func listImages(dir string) ([]Sample, error) {
	var out []Sample
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	subs := []string{""}
	for _, e := range entries {
		if isDir(filepath.Join(dir, e.Name())) && !strings.HasPrefix(e.Name(), ".") {
			subs = append(subs, e.Name())
		}
	}
	for _, sub := range subs {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return nil, err
		}
		label := sub
		if sub == "images" {
			label = ""
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if !imageExts[ext] || !isRegular(filepath.Join(dir, sub, e.Name())) {
				continue
			}
			id := idFromName(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())))
			out = append(out, Sample{ID: id, File: filepath.ToSlash(filepath.Join(sub, e.Name())), Label: label})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// isRegular follows symbolic links: a FIFO or a device named like a
// picture would make the build wait for ever.
func isRegular(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func idFromName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

func readClasses(name string) ([]string, error) {
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var classes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			classes = append(classes, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return classes, nil
}

// jsonWhere adds the line of a JSON syntax or type error to the file name.
func jsonWhere(name string, data []byte, err error) string {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return name
	}
	return fmt.Sprintf("%s:%d", name, bytes.Count(data[:off], []byte("\n"))+1)
}
