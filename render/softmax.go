package render

import (
	"fmt"
	"strconv"
)

// Softmax figure geometry in viewBox units: one row per class, in class
// order, so the page can set class names beside row i at SoftmaxRowH*i.
const (
	SoftmaxRowH  = 20
	softmaxW     = 260
	softmaxBarX  = 110
	softmaxBarW  = 100
	softmaxDotR  = 7
	softmaxFontH = 9
)

// SoftmaxFile is the path of a sample's softmax figure.
func SoftmaxFile(sample string) string { return "s/" + sample + "/softmax.svg" }

// logitScale is the Oranges scale over the sample's logits.
func logitScale(logits []float32) (Scale, error) {
	if len(logits) == 0 {
		return Scale{}, fmt.Errorf("no logits")
	}
	lo, hi := logits[0], logits[0]
	for _, v := range logits {
		lo, hi = min(lo, v), max(hi, v)
	}
	return NewScale(Oranges, lo, hi)
}

// SoftmaxSVG draws, per class, the logit as a circle on the Oranges scale
// with its value (4 decimals), and the probability as a bar with its value
// (4 decimals). Class names are left to the page.
func SoftmaxSVG(logits, probs []float32) ([]byte, error) {
	if len(logits) != len(probs) || len(logits) == 0 {
		return nil, fmt.Errorf("softmax figure: %d logits and %d probabilities", len(logits), len(probs))
	}
	sc, err := logitScale(logits)
	if err != nil {
		return nil, err
	}
	pc, err := NewScale(Oranges, 0, 1)
	if err != nil {
		return nil, err
	}
	s := NewSVG(softmaxW, float64(SoftmaxRowH*len(logits)))
	s.Open("g", A("font-family", "sans-serif"), F("font-size", softmaxFontH), A("fill", "#333"))
	for i, z := range logits {
		y := float64(i * SoftmaxRowH)
		mid := y + SoftmaxRowH/2
		s.Open("g", A("data-class", strconv.Itoa(i)))
		s.Elem("circle", F("cx", softmaxDotR+1), F("cy", mid), F("r", softmaxDotR), A("fill", sc.Hex(z)),
			A("stroke", "#999"), A("stroke-width", "0.5"))
		s.Text("text", strconv.FormatFloat(float64(z), 'f', 4, 32), F("x", 2*softmaxDotR+6), F("y", mid+3))
		s.Elem("rect", F("x", softmaxBarX), F("y", y+4), F("width", softmaxBarW), F("height", SoftmaxRowH-8), A("fill", "#eee"))
		p := min(max(probs[i], 0), 1)
		s.Elem("rect", F("x", softmaxBarX), F("y", y+4), F("width", float64(p)*softmaxBarW), F("height", SoftmaxRowH-8),
			A("fill", pc.Hex(p)))
		s.Text("text", strconv.FormatFloat(float64(probs[i]), 'f', 4, 32), F("x", softmaxBarX+softmaxBarW+6), F("y", mid+3))
		s.Close()
	}
	s.Close()
	return s.Bytes()
}

// planSoftmax plans the softmax figure of a sample.
func planSoftmax(s Sample) ([]job, error) {
	tr := s.Trace
	sc, err := logitScale(tr.Logits)
	if err != nil {
		return nil, fmt.Errorf("render: sample %s: %w", s.ID, err)
	}
	return []job{{
		Figure: Figure{File: SoftmaxFile(s.ID), Kind: KindSoftmax, Sample: s.ID, Neuron: -1, Channel: -1,
			Range: sc.Range(), Scale: sc.Scheme, Width: softmaxW, Height: SoftmaxRowH * len(tr.Logits)},
		Draw: func() ([]byte, error) { return SoftmaxSVG(tr.Logits, tr.Probs) },
	}}, nil
}
