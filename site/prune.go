package site

import "cnnexplainer/render"

// linkedOnly are the figure kinds a page can only reach by a link it
// writes out in full: render draws them for every sample and layer, but
// a page shows a few (the chapters place some animations; no page shows a
// standalone overview or the JSON values). The others stay published
// whether linked or not, because the scripts build their paths (the
// overview's range modes swap the folder of an activation map, the
// playground names its settings).
var linkedOnly = map[render.FigureKind]bool{
	render.KindConvAnim: true, render.KindReLUAnim: true, render.KindPoolAnim: true,
	render.KindOverview: true, render.KindFlatten: true, render.KindSoftmax: true,
	render.KindDenseValues: true, render.KindKernelValues: true, render.KindKernelHistoryV: true,
	render.KindKernelEpoch: true, render.KindConfusion: true,
}

// pruneFigures leaves out of the output the figures of the linkedOnly
// kinds that no page links (about 250 KB a sample of animation bundles
// and standalone diagrams), and the manifest, which only the build reads.
// Run after every page is made and before the sizes are measured.
func (b *builder) pruneFigures() {
	b.tree.drop("figures/" + render.ManifestFile)
	if b.views == nil {
		return
	}
	var candidates []string
	for _, f := range b.views.figs.all {
		if linkedOnly[f.Kind] {
			candidates = append(candidates, "figures/"+f.File)
		}
	}
	b.tree.dropUnlinked(candidates)
}
