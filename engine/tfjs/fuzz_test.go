package tfjs

import (
	"testing"

	"cnnexplainer/engine"
)

// FuzzDecode feeds arbitrary model.json text and shard bytes to the decoder
// (every shard name reads the same bytes). It must never panic, and any
// model it accepts must pass Check and run forward.
func FuzzDecode(f *testing.F) {
	s := tiny("converter")
	f.Add(modelJSONFor(s, "group1-shard1of1.bin"), shardFor(s))
	f.Fuzz(func(t *testing.T, doc, shard []byte) {
		read := func(name string, max int64) ([]byte, error) {
			return memShards(map[string][]byte{name: shard})(name, max)
		}
		m, err := decode("model.json", doc, read)
		if err != nil {
			if m != nil {
				t.Fatal("a model came back with an error")
			}
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("accepted a model that fails Check: %v", err)
		}
		if engine.NumElements(m.Input.Shape) > 1<<14 || m.FLOPs() > 1e7 {
			return
		}
		if _, err := m.Forward(engine.NewTensor(m.Input.Shape...)); err != nil {
			t.Fatalf("forward: %v", err)
		}
	})
}
