package train

import "testing"

// BenchmarkTrainTinyVGG times training steps of the seed TinyVGG (28x28x1,
// 7,740 parameters) at batch 32, forward and backward and Adam, in
// samples/s, and in CPU milliseconds per sample (the whole process), which
// stays meaningful when other jobs share the cores. Compare worker counts
// with -cpu:
//
//	go test -run '^$' -bench TrainTinyVGG -cpu 1,2 ./engine/train/
func BenchmarkTrainTinyVGG(b *testing.B) {
	const batch = 32
	m, err := TinyVGG("bench", TinyVGGArch())
	if err != nil {
		b.Fatal(err)
	}
	if err := Init(m, 1); err != nil {
		b.Fatal(err)
	}
	if m.ParamCount() != 7740 {
		b.Fatalf("%d parameters, want 7740", m.ParamCount())
	}
	d := newSynthetic(batch*4, 28, 1, 10, 1)
	t, err := newTrainer(m, Config{}.withDefaults())
	if err != nil {
		b.Fatal(err)
	}
	idx := make([][]int, 4)
	for k := range idx {
		for i := 0; i < batch; i++ {
			idx[k] = append(idx[k], k*batch+i)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, haveCPU := processCPU()
	k := 0
	for b.Loop() {
		if _, _, err := t.step(d, idx[k%len(idx)], nil, 1e-3); err != nil {
			b.Fatal(err)
		}
		k++
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
	if cpu1, ok := processCPU(); ok && haveCPU {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1e3/float64(b.N*batch), "cpu-ms/sample")
	}
	b.ReportMetric(0, "ns/op")
}
