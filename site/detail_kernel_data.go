package site

import (
	"encoding/json"
	"strconv"

	"cnnexplainer/engine"
)

// kernelsName is the tinyvggData key of a convolution's kernels.
func kernelsName(layer string) string { return "k:" + layer }

// kernelsFile holds a convolution's kernels, [neuron][channel][KH*KW]. The
// dot keeps it apart from data/<sample>/ (no sample id has one).
func kernelsFile(layer string) string { return "data/k." + layer + ".js" }

// kernelFiles writes, for every convolution with detail pages, one script
// with all its kernels at full precision, shared by every sample and
// language: the page script reads a neuron's kernel from it instead of
// each of the layer's pages carrying it (1.2 KB a page for 10 channels).
func (b *builder) kernelFiles() error {
	net := b.views.net
	for li, l := range net.Model.Layers {
		c, ok := l.(*engine.Conv2D)
		if !ok || !net.hasDetail(li) {
			continue
		}
		ks := make([][][]float32, c.OutC)
		for n := range ks {
			for ch := 0; ch < c.InC; ch++ {
				ks[n] = append(ks[n], c.KernelSlice(n, ch))
			}
		}
		js, err := json.Marshal(ks)
		if err != nil {
			return err
		}
		data := "(self.tinyvggData=self.tinyvggData||{})[" + strconv.Quote(kernelsName(c.Name())) + "]=" + string(js) + ";\n"
		if err := b.tree.add(kernelsFile(c.Name()), []byte(data)); err != nil {
			return err
		}
	}
	return nil
}
