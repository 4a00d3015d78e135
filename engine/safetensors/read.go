package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"unicode/utf8"

	"cnnexplainer/engine"
)

// MaxFile bounds what ReadFile loads into memory.
const MaxFile = 1 << 30

// ReadFile reads and decodes the safetensors file at path.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read safetensors: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("read safetensors %s: %w", path, err)
	}
	if st.Size() > MaxFile {
		return nil, fmt.Errorf("read safetensors %s: %w", path, formatErr("file of %d bytes is larger than the %d byte limit", st.Size(), MaxFile))
	}
	data, err := io.ReadAll(fh)
	if err != nil {
		return nil, fmt.Errorf("read safetensors %s: %w", path, err)
	}
	f, err := Read(data)
	if err != nil {
		return nil, fmt.Errorf("read safetensors %s: %w", path, err)
	}
	return f, nil
}

// entry is one tensor's header record. Pointers tell a missing field from
// a zero one.
type entry struct {
	DType       *DType `json:"dtype"`
	Shape       *[]int `json:"shape"`
	DataOffsets *[]int `json:"data_offsets"`
}

// span is a validated entry.
type span struct {
	name       string
	dtype      DType
	shape      []int
	begin, end int
}

// Read decodes a whole safetensors file held in memory.
func Read(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, formatErr("%d bytes is too short for the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > MaxHeader {
		return nil, formatErr("header length %d exceeds the %d byte limit", n, MaxHeader)
	}
	if n > uint64(len(data)-8) {
		return nil, formatErr("header length %d runs past the end of the %d byte file", n, len(data))
	}
	header := data[8 : 8+n]
	body := data[8+n:]
	if !utf8.Valid(header) {
		return nil, formatErr("header is not UTF-8")
	}
	if len(bytes.TrimSpace(header)) == 0 || bytes.TrimLeft(header, " \t\r\n")[0] != '{' {
		return nil, formatErr("header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, formatErr("header: %v", err)
	}
	f := &File{Tensors: make(map[string]*engine.Tensor, len(raw))}
	spans := make([]span, 0, len(raw))
	for name, msg := range raw {
		if name == metadataKey {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, formatErr("%s must map strings to strings: %v", metadataKey, err)
			}
			continue
		}
		s, err := parseEntry(name, msg)
		if err != nil {
			return nil, err
		}
		spans = append(spans, s)
	}
	// The tensors must cover the data exactly, end to end, with no gap,
	// overlap or trailing bytes, as the Python library requires.
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].end < spans[j].end
	})
	pos := 0
	for _, s := range spans {
		if s.begin != pos {
			if s.begin < pos {
				return nil, formatErr("tensor %q: data_offsets [%d, %d] overlap the previous tensor (ends at %d)", s.name, s.begin, s.end, pos)
			}
			return nil, formatErr("tensor %q: data_offsets [%d, %d] leave a gap after byte %d", s.name, s.begin, s.end, pos)
		}
		if s.end > len(body) {
			return nil, formatErr("tensor %q: data_offsets [%d, %d] run past the %d bytes of data", s.name, s.begin, s.end, len(body))
		}
		pos = s.end
	}
	if pos != len(body) {
		return nil, formatErr("%d bytes of data after the last tensor (ends at %d of %d)", len(body)-pos, pos, len(body))
	}
	dtypes := map[DType]bool{}
	for _, s := range spans {
		f.Tensors[s.name] = decode(s, body[s.begin:s.end])
		dtypes[s.dtype] = true
	}
	if len(dtypes) == 1 {
		f.DType = spans[0].dtype
	}
	return f, nil
}

func parseEntry(name string, msg json.RawMessage) (span, error) {
	var e entry
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return span{}, formatErr("tensor %q: %v", name, err)
	}
	if e.DType == nil || e.Shape == nil || e.DataOffsets == nil {
		return span{}, formatErr("tensor %q: needs dtype, shape and data_offsets", name)
	}
	s := span{name: name, dtype: *e.DType, shape: *e.Shape}
	size := s.dtype.size()
	if size == 0 {
		return s, formatErr("tensor %q: dtype %q is not supported (F32, F16, BF16)", name, s.dtype)
	}
	if len(*e.DataOffsets) != 2 {
		return s, formatErr("tensor %q: data_offsets must be [begin, end], got %v", name, *e.DataOffsets)
	}
	s.begin, s.end = (*e.DataOffsets)[0], (*e.DataOffsets)[1]
	if s.begin < 0 || s.end < s.begin {
		return s, formatErr("tensor %q: bad data_offsets [%d, %d]", name, s.begin, s.end)
	}
	count := 1
	for _, d := range s.shape {
		if d < 0 {
			return s, formatErr("tensor %q: negative dimension in shape %v", name, s.shape)
		}
		// Any tensor that fits in the file has fewer than 2^31 elements;
		// stopping there keeps the product from overflowing.
		if d > 0 && count > math.MaxInt32/d {
			return s, formatErr("tensor %q: shape %v is too large", name, s.shape)
		}
		count *= d
	}
	if s.end-s.begin != count*size {
		return s, formatErr("tensor %q: shape %v of %s needs %d bytes, data_offsets [%d, %d] hold %d", name, s.shape, s.dtype, count*size, s.begin, s.end, s.end-s.begin)
	}
	return s, nil
}

// decode converts one tensor's bytes to float32.
func decode(s span, b []byte) *engine.Tensor {
	t := &engine.Tensor{Shape: append([]int{}, s.shape...)}
	switch s.dtype {
	case F32:
		t.Data = make([]float32, len(b)/4)
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case F16:
		t.Data = make([]float32, len(b)/2)
		for i := range t.Data {
			t.Data[i] = halfToFloat(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case BF16:
		t.Data = make([]float32, len(b)/2)
		for i := range t.Data {
			t.Data[i] = bfloatToFloat(binary.LittleEndian.Uint16(b[2*i:]))
		}
	}
	return t
}
