package site

import "cnnexplainer/engine"

// flattenBefore returns the Flatten layer that feeds dense layer li,
// looking back through pass-through identities (a Dropout), and the index
// of the layer whose map it flattens (-1 for the model input). It returns
// nil when li reads no flattened map: a dense layer after another one.
func (n *Net) flattenBefore(li int) (*engine.Flatten, int) {
	j := li - 1
	for j >= 0 && n.Model.Layers[j].Kind() == engine.KindIdentity {
		j--
	}
	if j < 0 {
		return nil, -1
	}
	fl, ok := n.Model.Layers[j].(*engine.Flatten)
	if !ok || len(n.Shapes[j]) != 3 {
		return nil, -1
	}
	return fl, j - 1
}
