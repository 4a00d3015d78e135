package safetensors

import (
	"bytes"
	"testing"
)

// FuzzRead checks that Read never panics and that whatever it accepts
// survives a write and a second read unchanged (F16 and BF16 values are
// exact in float32, so writing them back as F32 loses nothing).
func FuzzRead(f *testing.F) {
	f.Add(build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, f32s(1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Read(data)
		if err != nil {
			return
		}
		in.DType = F32
		var buf bytes.Buffer
		if err := Write(&buf, in); err != nil {
			t.Fatalf("Write of an accepted file failed: %v", err)
		}
		out, err := Read(buf.Bytes())
		if err != nil {
			t.Fatalf("re-read failed: %v", err)
		}
		if len(out.Tensors) != len(in.Tensors) || len(out.Metadata) != len(in.Metadata) {
			t.Fatalf("round trip changed the file: %d/%d tensors", len(out.Tensors), len(in.Tensors))
		}
		for k, v := range in.Metadata {
			if out.Metadata[k] != v {
				t.Fatalf("metadata %q changed", k)
			}
		}
		for name, a := range in.Tensors {
			b := out.Tensors[name]
			if b == nil || !equalInts(a.Shape, b.Shape) || !equalBits(a.Data, b.Data) {
				t.Fatalf("tensor %q changed", name)
			}
		}
		var again bytes.Buffer
		if err := Write(&again, out); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Fatalf("second write differs (err %v)", err)
		}
	})
}
