package train

import (
	"fmt"
	"runtime"

	"cnnexplainer/engine"
)

// Evaluation is a model's result on a labelled set.
type Evaluation struct {
	Examples  int
	Loss      float64     // mean cross-entropy
	Accuracy  float64     // 0..1
	Confusion [][]int     // [true class][predicted class]
	Labels    []int       // the label of every example
	Probs     [][]float32 // softmax output per example
	Logits    [][]float32 // what went into the softmax, per example
	Losses    []float64   // cross-entropy per example
}

// ClassAccuracy is the share of each true class predicted right (NaN-free:
// a class with no examples scores 0).
func (e *Evaluation) ClassAccuracy() []float64 {
	acc := make([]float64, len(e.Confusion))
	for c, row := range e.Confusion {
		n := 0
		for _, v := range row {
			n += v
		}
		if n > 0 {
			acc[c] = float64(row[c]) / float64(n)
		}
	}
	return acc
}

// Predicted returns the predicted class of example i.
func (e *Evaluation) Predicted(i int) int { return argmax(e.Probs[i]) }

// Evaluate runs every example of d through m on up to workers goroutines
// (0 means GOMAXPROCS).
func Evaluate(m *engine.Model, d Data, workers int) (*Evaluation, error) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	t, err := newTrainer(m, Config{Workers: workers, Chunks: 1}.withDefaults())
	if err != nil {
		return nil, err
	}
	n := d.Len()
	ev := &Evaluation{Examples: n, Labels: make([]int, n), Probs: make([][]float32, n), Logits: make([][]float32, n), Losses: make([]float64, n)}
	losses := ev.Losses
	flat := make([]float32, 2*n*t.classes)
	const per = 256
	jobs := (n + per - 1) / per
	jobErr := make([]error, jobs)
	t.parallel(jobs, func(s *scratch, j int) {
		for i := j * per; i < min((j+1)*per, n); i++ {
			label := d.Example(i, s.acts[0].Data)
			if label < 0 || label >= t.classes {
				jobErr[j] = fmt.Errorf("evaluate: example %d: label %d outside 0..%d", i, label, t.classes-1)
				return
			}
			for k, l := range m.Layers {
				forward(s, l, s.acts[k], s.acts[k+1])
			}
			losses[i], _ = t.logitsAndLoss(s, label)
			ev.Labels[i] = label
			p := flat[i*t.classes : (i+1)*t.classes : (i+1)*t.classes]
			copy(p, s.probs)
			ev.Probs[i] = p
			z := flat[(n+i)*t.classes : (n+i+1)*t.classes : (n+i+1)*t.classes]
			copy(z, s.logits)
			ev.Logits[i] = z
		}
	})
	for _, err := range jobErr {
		if err != nil {
			return nil, err
		}
	}
	ev.Confusion = make([][]int, t.classes)
	for c := range ev.Confusion {
		ev.Confusion[c] = make([]int, t.classes)
	}
	right := 0
	for i := 0; i < n; i++ {
		ev.Loss += losses[i]
		p := argmax(ev.Probs[i])
		ev.Confusion[ev.Labels[i]][p]++
		if p == ev.Labels[i] {
			right++
		}
	}
	if n > 0 {
		ev.Loss /= float64(n)
		ev.Accuracy = float64(right) / float64(n)
	}
	return ev, nil
}
