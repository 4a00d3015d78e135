package insight

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Projection is the probe set's feature vectors on their first principal
// components.
type Projection struct {
	// Points[i] is picture i's coordinates on components 1, 2, ...
	Points [][]float64
	// Explained is each component's share of the total variance, in [0, 1].
	Explained []float64
	// Mean and Components (one row per component) project other vectors.
	Mean       []float64
	Components [][]float64
}

// Project places another vector in the same plane as the probe set.
func (p Projection) Project(v []float32) ([]float64, error) {
	if len(v) != len(p.Mean) {
		return nil, fmt.Errorf("insight: vector of %d values for a projection of %d", len(v), len(p.Mean))
	}
	out := make([]float64, len(p.Components))
	for c, comp := range p.Components {
		for j, x := range v {
			out[c] += (float64(x) - p.Mean[j]) * comp[j]
		}
	}
	return out, nil
}

// PCA projects vectors (one row per picture) on their first dims principal
// components: the eigenvectors of their covariance matrix with the largest
// eigenvalues, computed by gonum. Each component's sign is fixed so that its
// largest-magnitude entry is positive, which makes the picture the same on
// every machine.
func PCA(vectors [][]float32, dims int) (Projection, error) {
	n := len(vectors)
	if n < 2 || dims < 1 {
		return Projection{}, fmt.Errorf("insight: PCA needs at least 2 vectors and 1 dimension, got %d and %d", n, dims)
	}
	d := len(vectors[0])
	x := mat.NewDense(n, d, nil)
	for i, v := range vectors {
		if len(v) != d {
			return Projection{}, fmt.Errorf("insight: vector %d has %d values, vector 0 has %d", i, len(v), d)
		}
		for j, f := range v {
			x.Set(i, j, float64(f))
		}
	}
	// The covariance matrix is only d x d, and its symmetric eigen-decomposition
	// costs a fraction of stat.PC's SVD of the whole n x d matrix.
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, x, nil)
	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		return Projection{}, fmt.Errorf("insight: PCA of %dx%d features did not converge", n, d)
	}
	asc := eig.Values(nil)
	var evecs mat.Dense
	eig.VectorsTo(&evecs)
	dims = min(dims, d)
	total := 0.0
	for _, v := range asc {
		total += max(v, 0)
	}
	means := make([]float64, d)
	for j := range means {
		means[j] = stat.Mean(mat.Col(nil, j, x), nil)
	}
	p := Projection{Points: make([][]float64, n), Explained: make([]float64, dims), Mean: means}
	for i := range p.Points {
		p.Points[i] = make([]float64, dims)
	}
	for c := 0; c < dims; c++ {
		col := mat.Col(nil, d-1-c, &evecs) // eigenvalues ascend
		big := 0
		for j, v := range col {
			if abs64(v) > abs64(col[big]) {
				big = j
			}
		}
		if col[big] < 0 {
			for j := range col {
				col[j] = -col[j]
			}
		}
		if total > 0 {
			p.Explained[c] = max(asc[d-1-c], 0) / total
		}
		p.Components = append(p.Components, col)
		for i := 0; i < n; i++ {
			s := 0.0
			for j, v := range col {
				s += (x.At(i, j) - means[j]) * v
			}
			p.Points[i][c] = s
		}
	}
	return p, nil
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
