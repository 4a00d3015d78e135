package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
)

// Reading the weight shards a TF.js model.json names, apart from the
// topology decoding in decode.go.

// readWeights reads every group's shards and cuts the weights from them.
// Weights are keyed by their last two name parts ("<layer>/<role>"), which
// drops the model-name prefix some converters add.
func (d *decoder) readWeights(groups []weightGroup, shard shardReader) error {
	d.weights = map[string]*weight{}
	var total int64
	for gi, g := range groups {
		var need int64
		for _, ws := range g.Weights {
			if ws.DType != "float32" {
				return d.errf("weight %q: dtype %q is not supported (float32 only)", ws.Name, ws.DType)
			}
			if len(ws.Quantization) > 0 && string(ws.Quantization) != "null" {
				return d.errf("weight %q: quantized weights are not supported", ws.Name)
			}
			n, ok := count(ws.Shape)
			if !ok {
				return d.errf("weight %q: bad shape %v", ws.Name, ws.Shape)
			}
			need += 4 * n
			if total+need > MaxWeights {
				return d.errf("weights exceed %d bytes", int64(MaxWeights))
			}
		}
		total += need
		if len(g.Paths) == 0 && need > 0 {
			return d.errf("weight group %d lists weights but no shard files", gi+1)
		}
		// Not preallocated: need comes from the manifest, the bytes from
		// the shards, and only the shards are checked against the disk.
		var buf []byte
		for _, p := range g.Paths {
			if p == "" || path.IsAbs(p) || !localPath(p) {
				return d.errf("shard path %q must be relative to model.json and stay in its folder", p)
			}
			b, err := shard(p, need-int64(len(buf)))
			if errors.Is(err, errTooLong) {
				return d.errf("shard %s: longer than the manifest says (weight group %d needs %d bytes in all): %v", p, gi+1, need, err)
			}
			if err != nil {
				return fmt.Errorf("tfjs %s: shard %s: %w", d.file, p, err) // reading, not the format
			}
			buf = append(buf, b...)
		}
		if int64(len(buf)) != need {
			return d.errf("shards %s hold %d bytes, shorter than the %d the manifest lists", strings.Join(g.Paths, ", "), len(buf), need)
		}
		off := 0
		for _, ws := range g.Weights {
			n, _ := count(ws.Shape)
			data := make([]float32, n)
			for i := range data {
				data[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[off+4*i:]))
			}
			off += 4 * int(n)
			key := shortName(ws.Name)
			if _, dup := d.weights[key]; dup {
				return d.errf("weight %q appears twice in the manifest", ws.Name)
			}
			d.weights[key] = &weight{shape: append([]int{}, ws.Shape...), data: data}
		}
	}
	return nil
}

// localPath reports whether a slash-separated relative path stays inside
// its folder.
func localPath(p string) bool {
	c := path.Clean(p)
	return c != ".." && !strings.HasPrefix(c, "../") && !strings.Contains(p, "\\") && !strings.ContainsRune(p, 0)
}

// count is the number of elements of shape, false if a dimension is
// negative or the total is absurd.
func count(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || d > MaxWeights {
			return 0, false
		}
		n *= int64(d)
		if n > MaxWeights {
			return 0, false
		}
	}
	return n, true
}

// checkDType accepts a missing dtype, "float32", or a Keras 3 dtype policy
// object naming float32.
func checkDType(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var policy struct {
			Config struct {
				Name string `json:"name"`
			} `json:"config"`
		}
		if err := json.Unmarshal(raw, &policy); err != nil {
			return fmt.Errorf("dtype %s is not understood", raw)
		}
		s = policy.Config.Name
	}
	if s != "float32" {
		return fmt.Errorf("dtype %q is not supported (float32 only)", s)
	}
	return nil
}

func sortedKeys(m map[string]*weight) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
