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

	"cnnexplainer/engine"
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
	names := f.Names()
	hdr, err := encodeHeader(f, names, dt)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	return writeData(w, f, names, dt)
}

// encodeHeader checks f's tensors and returns the JSON header for them,
// stored as dt in the order of names, padded to a multiple of 8 bytes.
func encodeHeader(f *File, names []string, dt DType) ([]byte, error) {
	size := dt.size()
	header := make(map[string]any, len(f.Tensors)+1)
	if len(f.Metadata) > 0 {
		header[metadataKey] = f.Metadata
	}
	pos := 0
	for _, name := range names {
		t := f.Tensors[name]
		if err := checkTensor(name, t); err != nil {
			return nil, err
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
		return nil, fmt.Errorf("safetensors: header: %w", err)
	}
	hdr := bytes.TrimRight(hb.Bytes(), "\n")
	// Pad with spaces so the data starts on an 8-byte boundary, as the
	// Python library does; JSON ignores the trailing blanks.
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	return hdr, nil
}

// checkTensor reports why tensor t cannot be written under name.
func checkTensor(name string, t *engine.Tensor) error {
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
	return nil
}

// writeData writes the tensors' values as dt in the order of names,
// through a small buffer.
func writeData(w io.Writer, f *File, names []string, dt DType) error {
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
