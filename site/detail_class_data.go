package site

import (
	"encoding/json"
	"strconv"
	"strings"

	"cnnexplainer/engine"
)

// ClassData is what the page script needs to name the term behind any cell
// of the class view's maps: the map comes from the sample's data script
// (In), the class's weights from a model-wide one (Weights), both in the
// flat order of the dense layer's input.
type ClassData struct {
	In            string `json:"in"`
	Weights       string `json:"w"`
	Map           [3]int `json:"map"`
	ChannelsFirst bool   `json:"cf,omitempty"`
}

// classWeightsName is the tinyvggData key of one class's weights.
func classWeightsName(layer string, k int) string { return "w:" + layer + ":" + strconv.Itoa(k) }

// classWeightsFile holds one class's weights. The folder name has a dot,
// which no sample id may have, so it cannot clash with data/<sample>/.
func classWeightsFile(layer string, k int) string {
	return "data/w." + layer + "/" + strconv.Itoa(k) + ".js"
}

// classWeightFiles writes, for each dense layer with detail pages that
// reads a flattened map, one script per unit with the weights of its sum,
// shared by every sample and language (and so cached by the browser after
// the first page).
func (b *builder) classWeightFiles() error {
	net := b.views.net
	for _, li := range net.flatDense() {
		l := net.Model.Layers[li].(*engine.Dense)
		for k := 0; k < l.Out; k++ {
			w := l.Column(k)
			if err := b.tree.add(classWeightsFile(l.Name(), k), dataScript(classWeightsName(l.Name(), k), []int{l.In}, w)); err != nil {
				return err
			}
		}
	}
	return nil
}

// readsMapData reports whether the detail pages of layer i replay the map
// it reads from a data script (the dense views read flatDense's map).
func (n *Net) readsMapData(i int) bool {
	return n.hasDetail(i) && n.isMap(i)
}

// flatDense lists the dense layers with detail pages whose input is a
// flattened map, the ones whose pages read that map and their weights.
func (n *Net) flatDense() []int {
	var out []int
	for li, l := range n.Model.Layers {
		if _, ok := l.(*engine.Dense); !ok || !n.hasDetail(li) {
			continue
		}
		if fl, ms := n.flattenBefore(li); fl != nil && ms >= 0 {
			out = append(out, li)
		}
	}
	return out
}

// dataScript is a script that adds one array, with 4 significant digits,
// to tinyvggData under name.
func dataScript(name string, shape []int, data []float32) []byte {
	var sb strings.Builder
	sb.WriteString(`(self.tinyvggData=self.tinyvggData||{})[` + strconv.Quote(name) + `]={"shape":`)
	sh, _ := json.Marshal(shape)
	sb.Write(sh)
	sb.WriteString(`,"data":[`)
	for i, v := range data {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatFloat(float64(v), 'g', 4, 32))
	}
	sb.WriteString("]};\n")
	return []byte(sb.String())
}
