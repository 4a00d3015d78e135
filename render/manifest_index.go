package render

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The index is the manifest in a compact form, one figure a line and its
// fields split by tabs: a cache can read it back several times faster than
// manifest.json (megabytes of JSON, once a third of a rebuild). It holds
// every field of Figure; the first line names the format and its columns.
const indexHeader = "# render figure index 1: file fragment kind sample layer neuron channel mode width height scale params lo hi note\n"

// indexColumns is the number of fields on each line of the index.
const indexColumns = 15

// MarshalIndex encodes the manifest as an index. It fails on a text field
// that holds a tab or a line break, or a Params key that holds ',' or '=',
// which the index could not read back.
func (m *Manifest) MarshalIndex() ([]byte, error) {
	var b strings.Builder
	b.WriteString(indexHeader)
	for _, f := range m.Figures {
		for _, s := range []string{f.File, f.Fragment, string(f.Kind), f.Sample, f.Layer, f.Note} {
			if strings.ContainsAny(s, "\t\n") {
				return nil, fmt.Errorf("render: index: figure %s: %q holds a tab or a line break", f.Ref(), s)
			}
		}
		var params []string
		for _, k := range slices.Sorted(maps.Keys(f.Params)) {
			if k == "" || strings.ContainsAny(k, ",=\t\n") {
				return nil, fmt.Errorf("render: index: figure %s: bad parameter name %q", f.Ref(), k)
			}
			params = append(params, k+"="+strconv.Itoa(f.Params[k]))
		}
		var scale, mode string
		if f.Scale != 0 {
			scale = f.Scale.String()
		}
		if f.Mode != 0 {
			mode = f.Mode.String()
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n",
			f.File, f.Fragment, f.Kind, f.Sample, f.Layer, f.Neuron, f.Channel, mode, f.Width, f.Height, scale,
			strings.Join(params, ","), formatRange(f.Range[0]), formatRange(f.Range[1]), f.Note)
	}
	return []byte(b.String()), nil
}

func formatRange(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }

// ParseIndex reads an index written by MarshalIndex. Errors name the line.
func ParseIndex(data []byte) (*Manifest, error) {
	text, ok := strings.CutPrefix(string(data), indexHeader)
	if !ok {
		return nil, fmt.Errorf("render: index: the first line is not %q", strings.TrimSuffix(indexHeader, "\n"))
	}
	man := &Manifest{}
	if text == "" {
		return man, nil
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("render: index: the last line is cut short")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	man.Figures = make([]Figure, 0, len(lines))
	for i, line := range lines {
		f, err := parseIndexLine(line)
		if err != nil {
			return nil, fmt.Errorf("render: index line %d: %w", i+2, err)
		}
		man.Figures = append(man.Figures, f)
	}
	return man, nil
}

func parseIndexLine(line string) (Figure, error) {
	c := strings.Split(line, "\t")
	if len(c) != indexColumns {
		return Figure{}, fmt.Errorf("%d fields, want %d", len(c), indexColumns)
	}
	var err error
	atoi := func(s string) int {
		n, e := strconv.Atoi(s)
		if e != nil && err == nil {
			err = e
		}
		return n
	}
	f := Figure{File: c[0], Fragment: c[1], Kind: FigureKind(c[2]), Sample: c[3], Layer: c[4],
		Neuron: atoi(c[5]), Channel: atoi(c[6]), Width: atoi(c[8]), Height: atoi(c[9]), Note: c[14]}
	if err != nil {
		return Figure{}, err
	}
	if c[7] != "" {
		if f.Mode, err = ParseMode(c[7]); err != nil {
			return Figure{}, err
		}
	}
	if c[10] != "" {
		if f.Scale, err = ParseScheme(c[10]); err != nil {
			return Figure{}, err
		}
	}
	if c[11] != "" {
		f.Params = map[string]int{}
		for _, kv := range strings.Split(c[11], ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return Figure{}, fmt.Errorf("parameter %q is not name=number", kv)
			}
			f.Params[k] = atoi(v)
		}
	}
	for i := range f.Range {
		r, e := strconv.ParseFloat(c[12+i], 32)
		if e != nil && err == nil {
			err = e
		}
		f.Range[i] = float32(r)
	}
	if err != nil {
		return Figure{}, err
	}
	return f, nil
}
