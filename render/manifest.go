package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// FigureKind says what a figure shows; the Kind constants list them.
type FigureKind string

// Figure describes one file under the figures directory: what it shows and
// how its colours map back to values.
type Figure struct {
	File string `json:"file"` // slash path relative to the figures dir, e.g. "s/ankle-boot/conv_1_1/unit/3.png"
	// Fragment selects this figure inside a file that holds several
	// (an animation bundle): the page loads File + "#" + Fragment (Ref).
	Fragment string         `json:"fragment,omitempty"`
	Kind     FigureKind     `json:"kind"`
	Sample   string         `json:"sample,omitempty"`
	Layer    string         `json:"layer,omitempty"`
	Neuron   int            `json:"neuron"`          // -1 when not applicable
	Channel  int            `json:"channel"`         // -1 when not applicable
	Range    [2]float32     `json:"range"`           // value range the colour scale spans
	Scale    Scheme         `json:"scale,omitempty"` // the colour scheme, 0 for a figure without one
	Mode     Mode           `json:"mode,omitempty"`  // the range mode, 0 where none applies
	Width    int            `json:"width"`
	Height   int            `json:"height"`
	Params   map[string]int `json:"params,omitempty"` // e.g. playground size/pad/kernel/stride, epoch
	Note     string         `json:"note,omitempty"`   // e.g. a reason code for an invalid playground combination
}

// Ref is the figure's address relative to the figures dir: File, then
// "#" and Fragment when it has one.
func (f Figure) Ref() string {
	if f.Fragment == "" {
		return f.File
	}
	return f.File + "#" + f.Fragment
}

// Manifest lists every figure of a render, sorted by File and, within a
// file, by Fragment.
type Manifest struct {
	Figures []Figure `json:"figures"`
}

// before is the manifest's order.
func before(a, b Figure) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Fragment < b.Fragment
}

// Sort orders the figures by File and Fragment, the order the manifest is
// written in.
func (m *Manifest) Sort() {
	sort.Slice(m.Figures, func(i, j int) bool { return before(m.Figures[i], m.Figures[j]) })
}

// Lookup returns the figure at ref, a slash path optionally followed by
// "#" and a fragment, as Figure.Ref writes it. A file that holds several
// figures without a fragment gives the first of them, the one a browser
// shows for the bare file. The manifest must be sorted.
func (m *Manifest) Lookup(ref string) (Figure, bool) {
	file, frag, hasFrag := strings.Cut(ref, "#")
	i := sort.Search(len(m.Figures), func(i int) bool { return !before(m.Figures[i], Figure{File: file, Fragment: frag}) })
	if i < len(m.Figures) && m.Figures[i].File == file && (!hasFrag || m.Figures[i].Fragment == frag) {
		return m.Figures[i], true
	}
	return Figure{}, false
}

// Find returns the first figure, in File order, of the given kind, sample,
// layer, neuron, channel and mode. Empty strings, -1 and mode 0 match only
// figures that leave that field empty, at -1 or 0.
func (m *Manifest) Find(kind FigureKind, sample, layer string, neuron, channel int, mode Mode) (Figure, bool) {
	for _, f := range m.Figures {
		if f.Kind == kind && f.Sample == sample && f.Layer == layer &&
			f.Neuron == neuron && f.Channel == channel && f.Mode == mode {
			return f, true
		}
	}
	return Figure{}, false
}

// Filter returns the figures keep accepts, in File order.
func (m *Manifest) Filter(keep func(Figure) bool) []Figure {
	var out []Figure
	for _, f := range m.Figures {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// MarshalIndented encodes the manifest as manifest.json holds it: one
// figure per line, in File order, ending in a newline. Indenting every
// field would double the size of a file with thousands of entries.
// encoding/json writes Params with sorted keys, so equal manifests give
// equal bytes.
func (m *Manifest) MarshalIndented() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\"figures\": [")
	for i, f := range m.Figures {
		line, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("render: encode manifest entry %s: %w", f.File, err)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n  ")
		buf.Write(line)
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
}

// ParseManifest reads manifest.json bytes and checks that figures (file
// and fragment) are unique and sorted.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("render: manifest: %w", err)
	}
	for i := 1; i < len(m.Figures); i++ {
		if !before(m.Figures[i-1], m.Figures[i]) {
			return nil, fmt.Errorf("render: manifest: %q is out of order or repeated", m.Figures[i].Ref())
		}
	}
	return &m, nil
}
