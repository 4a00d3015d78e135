package render

import (
	"strconv"
	"strings"
)

// The hyperparameter playground's ranges, as CNN Explainer's widget offers
// them: input sizes up to 7, padding up to 2, any kernel that fits the
// padded input, strides up to 3.
const (
	PlaygroundMinSize = 3
	PlaygroundMaxSize = 7
	PlaygroundMaxPad  = 2
	PlaygroundMaxStep = 3
)

// Reason codes in a playground figure's Note, comma-separated when several
// apply. The site turns each into words.
const (
	// ReasonStrideUneven: (size + 2*pad - kernel) is not a multiple of the
	// stride, so the last rows and columns are never under the window
	// (drawn with the leftover hatch).
	ReasonStrideUneven = "stride-uneven"
	// ReasonPaddingOnly: pad >= kernel, so the first window (and others)
	// sees nothing but padding.
	ReasonPaddingOnly = "padding-only-window"
)

// Playground describes one combination of the playground.
type Playground struct {
	Size, Pad, Kernel, Stride int
}

// Out is the output size: floor((size + 2*pad - kernel) / stride) + 1.
func (p Playground) Out() int { return (p.Size+2*p.Pad-p.Kernel)/p.Stride + 1 }

// Reasons lists the reason codes that apply, in a fixed order.
func (p Playground) Reasons() []string {
	var r []string
	if (p.Size+2*p.Pad-p.Kernel)%p.Stride != 0 {
		r = append(r, ReasonStrideUneven)
	}
	if p.Pad >= p.Kernel {
		r = append(r, ReasonPaddingOnly)
	}
	return r
}

// PlaygroundFilePattern is the figure path of every combination, with
// {n}, {p}, {k} and {s} for size, padding, kernel and stride: pages build
// the path of the combination a reader picks.
const PlaygroundFilePattern = "p/i{n}-p{p}-k{k}-s{s}.svg"

// File is the figure path of the combination.
func (p Playground) File() string {
	return strings.NewReplacer("{n}", strconv.Itoa(p.Size), "{p}", strconv.Itoa(p.Pad), "{k}", strconv.Itoa(p.Kernel),
		"{s}", strconv.Itoa(p.Stride)).Replace(PlaygroundFilePattern)
}

// KeyColour is one colour of the playground animation: a fill, and the
// colour of its hatch lines if it is hatched.
type KeyColour struct {
	Name, Fill, Hatch string
}

// PlaygroundKey lists the colours the playground animations use, so a
// page can explain them in words.
func PlaygroundKey() []KeyColour {
	return []KeyColour{
		{Name: "input", Fill: colPlainIn}, {Name: "padding", Fill: colPad, Hatch: colHatch},
		{Name: "leftover", Fill: "#ffffff", Hatch: colLeftLine}, {Name: "output", Fill: colPlainOut}, {Name: "pending", Fill: colEmpty},
	}
}

// Anim is the combination's animation: plain cells, hatched padding, the
// uncovered cells hatched as leftover.
func (p Playground) Anim() *Anim {
	o := p.Out()
	return &Anim{Kind: KindPlayground, In: Grid{H: p.Size, W: p.Size}, Out: Grid{H: o, W: o},
		Top: p.Pad, Left: p.Pad, Bottom: p.Pad, Right: p.Pad,
		KH: p.Kernel, KW: p.Kernel, SH: p.Stride, SW: p.Stride, StepMS: playgroundStepMS}
}

// Playgrounds lists every combination in file order of size, padding,
// kernel and stride.
func Playgrounds() []Playground {
	var all []Playground
	for size := PlaygroundMinSize; size <= PlaygroundMaxSize; size++ {
		for pad := 0; pad <= PlaygroundMaxPad; pad++ {
			for k := 1; k <= size+2*pad; k++ {
				for s := 1; s <= PlaygroundMaxStep; s++ {
					all = append(all, Playground{Size: size, Pad: pad, Kernel: k, Stride: s})
				}
			}
		}
	}
	return all
}

// planPlayground plans one animated SVG per combination. Params hold the
// combination, the output size and the leftover rows; Note holds the
// reason codes.
func planPlayground() []job {
	var jobs []job
	for _, p := range Playgrounds() {
		a := p.Anim()
		fig := animFigure(a)
		fig.File = p.File()
		left, _ := a.Leftover()
		fig.Params["size"], fig.Params["pad"], fig.Params["kernel"], fig.Params["stride"] = p.Size, p.Pad, p.Kernel, p.Stride
		fig.Params["out"], fig.Params["leftover"] = p.Out(), left
		fig.Note = strings.Join(p.Reasons(), ",")
		jobs = append(jobs, job{Figure: fig, Draw: a.SVG})
	}
	return jobs
}
