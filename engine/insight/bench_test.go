package insight

import (
	"math/rand/v2"
	"os"
	"testing"

	"cnnexplainer/engine/modelfile"
)

// The default site's sizes: 1,000 probe pictures through the trained
// TinyVGG, and PCA of their 490 flatten values.
func BenchmarkAnalyse(b *testing.B) {
	if _, err := os.Stat("../../samples/fashion-mnist/model.json"); err != nil {
		b.Skip(err)
	}
	m, err := modelfile.Load("../../samples/fashion-mnist")
	if err != nil {
		b.Fatal(err)
	}
	p := randomProbe(1000, 28)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Analyse(m, p, 9, 2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

func BenchmarkPCA(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	vecs := make([][]float32, 1000)
	for i := range vecs {
		vecs[i] = make([]float32, 490)
		for j := range vecs[i] {
			vecs[i][j] = float32(r.NormFloat64())
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := PCA(vecs, 2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

func BenchmarkSaliencyCAMs(b *testing.B) {
	if _, err := os.Stat("../../samples/fashion-mnist/model.json"); err != nil {
		b.Skip(err)
	}
	m, err := modelfile.Load("../../samples/fashion-mnist")
	if err != nil {
		b.Fatal(err)
	}
	tr, err := m.Forward(randomProbe(1, 28).Pictures[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for c := 0; c < 10; c++ {
			SaliencyOf(m, tr, c)
			GradCAM(m, tr, c)
			LayerCAM(m, tr, c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/sample")
}
