package insight

import "gonum.org/v1/gonum/mat"

// covEigen is the reference for PCA: the sample covariance by plain loops,
// then a symmetric eigen-decomposition. It returns the eigenvalues in
// ascending order and the matching eigenvectors.
func covEigen(vecs [][]float32) ([]float64, [][]float64) {
	n, d := len(vecs), len(vecs[0])
	mean := make([]float64, d)
	for _, v := range vecs {
		for j := range v {
			mean[j] += float64(v[j]) / float64(n)
		}
	}
	cov := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			s := 0.0
			for _, v := range vecs {
				s += (float64(v[a]) - mean[a]) * (float64(v[b]) - mean[b])
			}
			cov.SetSym(a, b, s/float64(n-1))
		}
	}
	var e mat.EigenSym
	if !e.Factorize(cov, true) {
		panic("eigen-decomposition failed")
	}
	var q mat.Dense
	e.VectorsTo(&q)
	cols := make([][]float64, d)
	for k := range cols {
		cols[k] = mat.Col(nil, k, &q)
	}
	return e.Values(nil), cols
}
