package site

import (
	"cnnexplainer/engine"
	"cnnexplainer/site/directive"
)

// figureRow is one figure a chapter can place. Adding a figure is one row
// here plus one template, fig-<name>, in the theme's figures.html; the
// chapter guide in docs/architecture.md is generated from these rows
// (go test ./site -run FigureGuide -update).
type figureRow struct {
	name  string
	about string // one line for the chapter guide, in English
	args  map[string]directive.Arg
	// check rejects argument values that are each fine but do not fit
	// together; nil when every combination is fine.
	check func(directive.Directive) error
	// resolve fills c.fd, or returns missingFigure when the model cannot
	// show the figure (the page gets a notice, the build a warning).
	resolve func(c *figCtx) error
	// scales lists the colour legends written under the figure; nil for
	// none.
	scales func(c *figCtx) ([]LegendView, error)
}

// figureRows is the table of figures, in the order the guide lists them.
func figureRows() []figureRow {
	sample := directive.Arg{Type: directive.Ident}
	layer := directive.Arg{Type: directive.Ident, Required: true}
	index := directive.Arg{Type: directive.Int, Required: true, Min: 0, Max: 1 << 20}
	return []figureRow{
		{name: "overview", about: "every layer's maps for one sample, with the range-mode switch",
			args: map[string]directive.Arg{"sample": sample}, resolve: overviewFigure},
		{name: "samples", about: "the sample picker: every sample, linking its home page",
			args: map[string]directive.Arg{}, resolve: samplesFigure},
		{name: "input", about: "the input picture and its channels",
			args: map[string]directive.Arg{"sample": sample}, resolve: inputFigure},
		{name: "layer", about: "the maps of one layer (`name=`) for one sample",
			args: map[string]directive.Arg{"sample": sample, "name": layer}, resolve: layerFigure, scales: mapScales},
		{name: "kernels", about: "the kernels of one convolution neuron, one per input channel",
			args: map[string]directive.Arg{"layer": layer, "neuron": index}, resolve: kernelsFigure, scales: kernelScales},
		{name: "conv", about: "one input channel of a convolution neuron at its largest output: window, kernel and sum",
			args:    map[string]directive.Arg{"sample": sample, "layer": layer, "neuron": index, "channel": index},
			resolve: convFigure, scales: convScales},
		{name: "relu", about: "a ReLU neuron's input and output maps",
			args:    map[string]directive.Arg{"sample": sample, "layer": layer, "neuron": index},
			resolve: neuronFigure(engine.KindReLU), scales: mapScales},
		{name: "maxpool", about: "a max-pooling neuron's input and output maps",
			args:    map[string]directive.Arg{"sample": sample, "layer": layer, "neuron": index},
			resolve: neuronFigure(engine.KindMaxPool2D), scales: mapScales},
		{name: "flatten", about: "the last maps laid out as the dense layer's input vector",
			args: map[string]directive.Arg{"sample": sample}, resolve: classFigure(flattenCaption)},
		{name: "dense", about: "the weighted terms and the logit of one class",
			args: map[string]directive.Arg{"sample": sample, "class": index}, resolve: classFigure(denseCaption)},
		{name: "softmax", about: "the logits turned into probabilities",
			args: map[string]directive.Arg{"sample": sample}, resolve: classFigure(softmaxCaption)},
		{name: "playground", about: "the hyperparameter widget (defaults size=5 padding=1 kernel=3 stride=1)",
			args: map[string]directive.Arg{
				"size": {Type: directive.Int, Min: 1, Max: 9}, "padding": {Type: directive.Int, Min: 0, Max: 4},
				"kernel": {Type: directive.Int, Min: 1, Max: 9}, "stride": {Type: directive.Int, Min: 1, Max: 9}},
			check: checkPlayground, resolve: playgroundFigure},
		{name: "curves", about: "loss and accuracy over the training epochs (needs the training history)",
			args: map[string]directive.Arg{}, resolve: trainingFigure(func(c *figCtx) (*TrainingView, error) { return c.v.curvesView(c.pc) })},
		{name: "kernel-history", about: "how the kernels of a layer (default the first drawn) changed in training (needs the training history)",
			args: map[string]directive.Arg{"layer": {Type: directive.Ident}},
			resolve: trainingFigure(func(c *figCtx) (*TrainingView, error) {
				return c.v.kernelHistoryView(c.pc, c.d.Str("layer", ""))
			})},
		{name: "confusion", about: "the test set's confusion matrix (needs the training history)",
			args: map[string]directive.Arg{}, resolve: trainingFigure(func(c *figCtx) (*TrainingView, error) { return c.v.confusionView(c.pc) })},
		{name: "learned", about: "what the views measured (`part=facts`) or one sample's maps (`part=showcase`, `pick=`)",
			args: map[string]directive.Arg{
				"part": {Type: directive.Enum, Values: []string{"facts", "showcase"}}, "pick": {Type: directive.Ident}},
			resolve: func(c *figCtx) error { _, err := c.b.learnedFigure(c.pc, c.fd, c.d); return err }},
		{name: "legend", about: "one colour scale as a picture",
			args: map[string]directive.Arg{
				"scale": {Type: directive.Enum, Required: true, Values: legendScaleNames()}},
			resolve: legendFigure},
	}
}

// figureSpec is the table as the directive extension checks it.
func figureSpec(rows []figureRow) directive.Spec {
	spec := directive.Spec{}
	for _, r := range rows {
		spec[r.name] = directive.Form{Args: r.args, Check: r.check}
	}
	return spec
}

// figureTemplate is the template a row's figure is written with.
func figureTemplate(name string) string { return "fig-" + name }
