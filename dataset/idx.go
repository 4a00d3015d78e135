package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// IDX is the content of an IDX file (the format of MNIST and
// Fashion-MNIST): its dimensions and its values, unsigned bytes in C order.
type IDX struct {
	Dims []int
	Data []uint8
}

// ErrIDX is wrapped by every error about a malformed or unsupported IDX file.
var ErrIDX = errors.New("not a readable IDX file")

// maxIDXBytes bounds the data an IDX header may announce (1 GiB, twenty
// times Fashion-MNIST's training images), so a corrupt header cannot make
// the reader expect, or a gzip bomb deliver, more than that.
const maxIDXBytes = 1 << 30

// idxTypeName names an IDX element type for error messages.
func idxTypeName(t byte) string {
	switch t {
	case 0x08:
		return "unsigned byte"
	case 0x09:
		return "signed byte"
	case 0x0B:
		return "int16"
	case 0x0C:
		return "int32"
	case 0x0D:
		return "float32"
	case 0x0E:
		return "float64"
	}
	return "unknown"
}

// ReadIDXFile reads an IDX file, gzip-compressed or not. Errors name it.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read IDX: %w", err)
	}
	defer f.Close()
	x, err := ReadIDX(f)
	if err != nil {
		return nil, fmt.Errorf("read IDX %s: %w", path, err)
	}
	return x, nil
}

// ReadIDX reads an IDX stream of unsigned bytes. Gzip compression is
// recognised by its magic bytes (1f 8b), not by a file name. The data must
// end exactly where the dimensions say.
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if sig, _ := br.Peek(2); len(sig) == 2 && sig[0] == 0x1f && sig[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrIDX, err)
		}
		defer zr.Close()
		return readIDX(bufio.NewReaderSize(zr, 1<<16))
	}
	return readIDX(br)
}

func readIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("%w: short header: %w", ErrIDX, err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%w: bad magic % x (want 00 00 <type> <dims>)", ErrIDX, magic)
	}
	if magic[2] != 0x08 {
		return nil, fmt.Errorf("%w: element type 0x%02x (%s) is not supported (want 0x08, unsigned byte)", ErrIDX, magic[2], idxTypeName(magic[2]))
	}
	nd := int(magic[3])
	if nd < 1 {
		return nil, fmt.Errorf("%w: no dimensions", ErrIDX)
	}
	raw := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("%w: header shorter than its %d dimensions: %w", ErrIDX, nd, err)
	}
	dims := make([]int, nd)
	n := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(raw[4*i:]))
		if dims[i] != 0 && n > maxIDXBytes/dims[i] {
			return nil, fmt.Errorf("%w: dimensions %v exceed %d bytes", ErrIDX, dims[:i+1], maxIDXBytes)
		}
		n *= dims[i]
	}
	data, err := readData(r, n)
	if err != nil {
		return nil, fmt.Errorf("%w: dimensions %v: %w", ErrIDX, dims, err)
	}
	return &IDX{Dims: dims, Data: data}, nil
}

// trustedAlloc is how much of a header's promise is allocated up front: all
// of any real MNIST-family file (Fashion-MNIST's largest holds 47 MB), while
// a corrupt header claiming more gets memory only as data arrives.
const trustedAlloc = 64 << 20

// readData reads exactly n bytes and then requires the end of the stream
// (for gzip, reading to the end also checks the CRC).
func readData(r io.Reader, n int) ([]byte, error) {
	data := make([]byte, min(n, trustedAlloc))
	got := 0
	for {
		m, err := io.ReadFull(r, data[got:])
		got += m
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%d data bytes, need %d", got, n)
		}
		if err != nil {
			return nil, err
		}
		if got == n {
			break
		}
		data = append(data, make([]byte, min(n-got, len(data)))...)
	}
	var one [1]byte
	switch m, err := io.ReadFull(r, one[:]); {
	case m > 0:
		return nil, fmt.Errorf("trailing bytes after the %d data bytes", n)
	case !errors.Is(err, io.EOF):
		return nil, err
	}
	return data, nil
}
