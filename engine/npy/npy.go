// Package npy reads and writes NumPy .npy files holding float32 arrays.
//
// Only the one kind of array the project exchanges is supported: dtype '<f4'
// (float32, little-endian) in C order. Write produces a version 1.0 file laid
// out exactly as numpy.save does (header padded with spaces to a multiple of
// 64 bytes and ended by a newline), so numpy.load reads it. Read accepts
// version 1.0 headers and the longer 2.0 and 3.0 headers; any other dtype,
// Fortran order or a truncated file is an error, never a panic.
package npy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"cnnexplainer/engine"
)

// magic opens every .npy file.
const magic = "\x93NUMPY"

// align is the multiple numpy pads the preamble (magic, version, length,
// header) to, so the data that follows is aligned for memory mapping.
const align = 64

// ErrFormat is wrapped by every error about a malformed or unsupported file,
// so callers can tell bad input from I/O failures with errors.Is.
var ErrFormat = errors.New("npy: unsupported or malformed file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// WriteFile writes t to path as a .npy file.
func WriteFile(path string, t *engine.Tensor) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write npy: %w", err)
	}
	bw := bufio.NewWriter(f)
	err = Write(bw, t)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write npy %s: %w", path, err)
	}
	return nil
}

// Write writes t as a .npy array of dtype '<f4' whose shape is t.Shape.
func Write(w io.Writer, t *engine.Tensor) error {
	if t == nil {
		return errors.New("npy: nil tensor")
	}
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("npy: negative dimension in shape %v", t.Shape)
		}
	}
	if n := engine.NumElements(t.Shape); n != len(t.Data) {
		return fmt.Errorf("npy: shape %v needs %d values, tensor has %d", t.Shape, n, len(t.Data))
	}
	if _, err := w.Write(header(t.Shape)); err != nil {
		return err
	}
	buf := make([]byte, 4*min(len(t.Data), 1<<14))
	for rest := t.Data; len(rest) > 0; {
		n := min(len(rest), len(buf)/4)
		for i, v := range rest[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// header returns the preamble numpy.save writes for a float32 C-order array:
// version 1.0 while the header fits a 16-bit length, 2.0 beyond.
func header(shape []int) []byte {
	var dict strings.Builder
	dict.WriteString("{'descr': '<f4', 'fortran_order': False, 'shape': (")
	for i, d := range shape {
		if i > 0 {
			dict.WriteString(", ")
		}
		dict.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		dict.WriteString(",") // a Python one-tuple
	}
	dict.WriteString("), }")

	major, lenSize := byte(1), 2
	pre := len(magic) + 2 + lenSize
	if pre+dict.Len()+1 > math.MaxUint16 {
		major, lenSize = 2, 4
		pre = len(magic) + 2 + lenSize
	}
	total := pre + dict.Len() + 1
	total += (align - total%align) % align
	hlen := total - pre

	out := make([]byte, 0, total)
	out = append(out, magic...)
	out = append(out, major, 0)
	if lenSize == 2 {
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen))
	}
	out = append(out, dict.String()...)
	for len(out) < total-1 {
		out = append(out, ' ')
	}
	return append(out, '\n')
}

// ReadFile reads a float32 .npy file.
func ReadFile(path string) (*engine.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read npy: %w", err)
	}
	defer f.Close()
	t, err := Read(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("read npy %s: %w", path, err)
	}
	return t, nil
}

// maxHeader bounds the header length accepted, far above anything numpy
// writes for the arrays we exchange, so a corrupt length cannot make us
// allocate gigabytes.
const maxHeader = 1 << 20

// Read reads a float32, little-endian, C-order .npy array. The data must end
// exactly where the shape says.
func Read(r io.Reader) (*engine.Tensor, error) {
	var pre [len(magic) + 2]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, formatErr("short preamble: %v", err)
	}
	if string(pre[:len(magic)]) != magic {
		return nil, formatErr("not a .npy file (bad magic %q)", pre[:len(magic)])
	}
	major, minor := pre[len(magic)], pre[len(magic)+1]
	var hlen int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, formatErr("short header length: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, formatErr("short header length: %v", err)
		}
		n := binary.LittleEndian.Uint32(b[:])
		if n > maxHeader {
			return nil, formatErr("header length %d is implausibly large", n)
		}
		hlen = int(n)
	default:
		return nil, formatErr("format version %d.%d is not supported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, formatErr("header shorter than its stated %d bytes: %v", hlen, err)
	}
	h, err := parseHeader(string(hdr))
	if err != nil {
		return nil, err
	}
	if h.descr != "<f4" {
		return nil, formatErr("dtype %q is not supported (want '<f4', float32 little-endian)", h.descr)
	}
	if h.fortran {
		return nil, formatErr("Fortran-order arrays are not supported (save with C order)")
	}
	n := 1
	for _, d := range h.shape {
		if d != 0 && n > math.MaxInt32/d {
			return nil, formatErr("shape %v is too large", h.shape)
		}
		n *= d
	}
	// Read no more than the shape needs plus one byte, so a short file is
	// found without trusting the shape for the allocation size.
	raw, err := io.ReadAll(io.LimitReader(r, int64(4*n)+1))
	if err != nil {
		return nil, fmt.Errorf("npy: reading data: %w", err)
	}
	switch {
	case len(raw) < 4*n:
		return nil, formatErr("data has %d bytes, shape %v needs %d", len(raw), h.shape, 4*n)
	case len(raw) > 4*n:
		return nil, formatErr("trailing bytes after the %d data bytes of shape %v", 4*n, h.shape)
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return &engine.Tensor{Shape: h.shape, Data: data}, nil
}

type headerDict struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader reads the Python dict literal of a .npy header, such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. It accepts
// either quote style, any spacing and an optional trailing comma, and
// requires all three keys.
func parseHeader(s string) (headerDict, error) {
	p := &dictParser{s: strings.TrimRight(s, " \t\n\x00")}
	var h headerDict
	seen := map[string]bool{}
	p.space()
	if !p.eat('{') {
		return h, formatErr("header does not start with '{': %q", clip(s))
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		p.space()
		if !p.eat(':') {
			return h, formatErr("header: missing ':' after %q", key)
		}
		p.space()
		switch key {
		case "descr":
			h.descr, err = p.str()
		case "fortran_order":
			h.fortran, err = p.boolean()
		case "shape":
			h.shape, err = p.tuple()
		default:
			return h, formatErr("header: unexpected key %q", key)
		}
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, formatErr("header: key %q given twice", key)
		}
		seen[key] = true
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return h, formatErr("header: expected ',' or '}' at offset %d of %q", p.i, clip(s))
		}
		break
	}
	if p.space(); p.i != len(p.s) {
		return h, formatErr("header: text after the dict: %q", clip(p.s[p.i:]))
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, formatErr("header: missing key %q", k)
		}
	}
	return h, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

type dictParser struct {
	s string
	i int
}

func (p *dictParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", formatErr("header: expected a quoted string at offset %d", p.i)
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", formatErr("header: unterminated string at offset %d", p.i)
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *dictParser) boolean() (bool, error) {
	for _, w := range []struct {
		lit string
		v   bool
	}{{"True", true}, {"False", false}} {
		if strings.HasPrefix(p.s[p.i:], w.lit) {
			p.i += len(w.lit)
			return w.v, nil
		}
	}
	return false, formatErr("header: expected True or False at offset %d", p.i)
}

// tuple reads a Python tuple of non-negative integers: (), (3,), (2, 3).
func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, formatErr("header: shape is not a tuple (offset %d)", p.i)
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		d, err := strconv.Atoi(p.s[start:p.i])
		if err != nil || d > math.MaxInt32 {
			return nil, formatErr("header: bad dimension %q in shape", p.s[start:p.i])
		}
		shape = append(shape, d)
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat(')') {
			return nil, formatErr("header: expected ',' or ')' in shape at offset %d", p.i)
		}
		return shape, nil
	}
}
