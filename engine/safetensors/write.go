package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// headerEntry is written in this field order, which is also the order the
// Python library writes.
type headerEntry struct {
	DType       DType  `json:"dtype"`
	Shape       []int  `json:"shape"`
	DataOffsets [2]int `json:"data_offsets"`
}

// WriteFile writes f to path through a temporary file in the same folder
// and a rename, so a reader never sees half a file.
func WriteFile(path string, f *File) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.safetensors")
	if err != nil {
		return fmt.Errorf("write safetensors %s: %w", path, err)
	}
	bw := bufio.NewWriter(tmp)
	err = Write(bw, f)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write safetensors %s: %w", path, err)
	}
	return nil
}

// Write encodes f. Names are sorted and the data laid out in that order.
func Write(w io.Writer, f *File) error {
	if f == nil {
		return errors.New("safetensors: nil file")
	}
	dt := f.DType
	if dt == "" {
		dt = F32
	}
	if dt != F32 && dt != F16 {
		return fmt.Errorf("safetensors: cannot write dtype %q (F32 or F16)", dt)
	}
	size := dt.size()
	header := make(map[string]any, len(f.Tensors)+1)
	if len(f.Metadata) > 0 {
		header[metadataKey] = f.Metadata
	}
	names := f.Names()
	pos := 0
	for _, name := range names {
		t := f.Tensors[name]
		if name == metadataKey {
			return fmt.Errorf("safetensors: %q is reserved and cannot name a tensor", name)
		}
		if t == nil {
			return fmt.Errorf("safetensors: tensor %q is nil", name)
		}
		if !utf8.ValidString(name) {
			return fmt.Errorf("safetensors: tensor name %q is not UTF-8", name)
		}
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("safetensors: tensor %q has a negative dimension in shape %v", name, t.Shape)
			}
		}
		if n := numElements(t.Shape); n != len(t.Data) {
			return fmt.Errorf("safetensors: tensor %q: shape %v needs %d values, has %d", name, t.Shape, n, len(t.Data))
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{} // a scalar; JSON needs [] rather than null
		}
		end := pos + size*len(t.Data)
		header[name] = headerEntry{DType: dt, Shape: shape, DataOffsets: [2]int{pos, end}}
		pos = end
	}
	var hb bytes.Buffer
	enc := json.NewEncoder(&hb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(header); err != nil { // map keys come out sorted
		return fmt.Errorf("safetensors: header: %w", err)
	}
	hdr := bytes.TrimRight(hb.Bytes(), "\n")
	// Pad with spaces so the data starts on an 8-byte boundary, as the
	// Python library does; JSON ignores the trailing blanks.
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<15)
	for _, name := range names {
		for _, v := range f.Tensors[name].Data {
			if dt == F16 {
				buf = binary.LittleEndian.AppendUint16(buf, floatToHalf(v))
			} else {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err := w.Write(buf)
	return err
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
