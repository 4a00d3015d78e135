package site

import (
	"fmt"
	"html/template"
	"strconv"

	"cnnexplainer/engine/insight"
	"cnnexplainer/render"
)

// The "what did it learn" views: computed once per build from the probe
// set, drawn into language-neutral pictures under learnedFigs, and then
// written as pages per language by learned_pages.go.

// learnedFigs is the site folder of the views' pictures.
const learnedFigs = "probe/"

// topK is how many probe pictures each neuron shows.
const topK = 9

// learned is everything the views show.
type learned struct {
	probe      *probeSet
	res        *insight.Result
	pca        insight.Projection
	confusion  [][]int   // [true][predicted] over the probe set
	cells      [][][]int // probe pictures of each confusion cell
	looked     map[string]*lookedRun
	featureDim int // values per feature vector
}

// lookedRun holds one sample's saliency and Grad-CAM for every class.
type lookedRun struct {
	SalMax, CamMax, LCMax []float32 // each map's largest value before scaling to [0, 1]
	CAMLayer              string
}

// computeLearned runs the probe set and the samples through the model and
// adds the pictures to the tree. It returns nil when there is no probe set.
func (b *builder) computeLearned() (*learned, error) {
	if lr := b.loadLearned(); lr != nil {
		return lr, nil
	}
	net := b.views.net
	ps, err := loadProbe(b.cfg.Samples, net.Model, net.Classes, b.cfg.LoadImage)
	if err != nil || ps == nil {
		return nil, err
	}
	res, err := insight.Analyse(net.Model, probeInput(ps, net.Model.Input), topK, b.cfg.Jobs)
	if err != nil {
		return nil, fmt.Errorf("probe set: %w", err)
	}
	pca, err := insight.PCA(res.Features, 2)
	if err != nil {
		return nil, fmt.Errorf("probe set: %w", err)
	}
	k := len(net.Classes)
	lr := &learned{probe: ps, res: res, pca: pca, confusion: make([][]int, k), cells: make([][][]int, k),
		looked: map[string]*lookedRun{}, featureDim: len(res.Features[0])}
	for t := range lr.confusion {
		lr.confusion[t] = make([]int, k)
		lr.cells[t] = make([][]int, k)
	}
	for i, t := range ps.Labels {
		p := res.Predicted[i]
		lr.confusion[t][p]++
		lr.cells[t][p] = append(lr.cells[t][p], i)
	}
	if ps.Sprite != "" {
		b.tree.copy(spriteFile, ps.Sprite) // the pictures, exactly as committed
	} else if err := b.tree.add(spriteFile, ps.SpriteData); err != nil {
		return nil, err
	}
	for _, lt := range res.Layers {
		for n, nr := range lt.Neurons {
			var strip []render.Crop
			for rank, h := range nr.Hits {
				f := h.Field
				pic := ps.Pictures[h.Picture]
				strip = append(strip, render.Crop{Picture: pic, Y0: f.Y0, X0: f.X0, Y1: f.Y1, X1: f.X1})
				if err := b.addPNG(topCrop(lt.Layer, n, rank), func() ([]byte, error) {
					return render.CropPNG(pic, f.Y0, f.X0, f.Y1, f.X1)
				}); err != nil {
					return nil, err
				}
			}
			// Neuron pages, one per sample, show the nine as one picture.
			if err := b.addPNG(topStrip(lt.Layer, n), func() ([]byte, error) { return render.CropStripPNG(strip, 1) }); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range net.Runs {
		lk, err := b.lookRun(r)
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", r.ID, err)
		}
		lr.looked[r.ID] = lk
	}
	legend, err := render.NewScale(render.Oranges, 0, 1)
	if err != nil {
		return nil, err
	}
	svg, err := render.LegendSVG(legend)
	if err != nil {
		return nil, err
	}
	// Minified now, as the cache keeps it: cached files are not minified again.
	if svg, err = minifyFile(b.min, learnedFigs+"legend.svg", svg); err != nil {
		return nil, err
	}
	if err := b.tree.add(learnedFigs+"legend.svg", svg); err != nil {
		return nil, err
	}
	b.saveLearned(lr)
	return lr, nil
}

// lookRun draws the saliency and Grad-CAM overlays of one sample for
// every class.
func (b *builder) lookRun(r *Run) (*lookedRun, error) {
	net := b.views.net
	pic, err := tracePicture(r)
	if err != nil {
		return nil, err
	}
	tr, err := net.trace(r)
	if err != nil {
		return nil, err
	}
	lk := &lookedRun{}
	for c := range net.Classes {
		s, err := insight.SaliencyOf(net.Model, tr, c)
		if err != nil {
			return nil, err
		}
		cam, err := insight.GradCAM(net.Model, tr, c)
		if err != nil {
			return nil, err
		}
		lc, err := insight.LayerCAM(net.Model, tr, c)
		if err != nil {
			return nil, err
		}
		lk.CAMLayer = cam.Layer
		sm, cm, lm := unitMax(s.Map.Data), unitMax(cam.Map.Data), unitMax(lc.Map.Data)
		lk.SalMax, lk.CamMax, lk.LCMax = append(lk.SalMax, sm), append(lk.CamMax, cm), append(lk.LCMax, lm)
		if err := b.addPNG(lookedFile("lcam", r.ID, c), func() ([]byte, error) {
			return render.HeatOverlayPNG(pic, scaled(lc.Map.Data, lm), lc.Map.Shape[0], lc.Map.Shape[1])
		}); err != nil {
			return nil, err
		}
		if err := b.addPNG(lookedFile("sal", r.ID, c), func() ([]byte, error) {
			return render.HeatOverlayPNG(pic, scaled(s.Map.Data, sm), s.Map.Shape[0], s.Map.Shape[1])
		}); err != nil {
			return nil, err
		}
		if err := b.addPNG(lookedFile("cam", r.ID, c), func() ([]byte, error) {
			return render.HeatOverlayPNG(pic, scaled(cam.Map.Data, cm), cam.Map.Shape[0], cam.Map.Shape[1])
		}); err != nil {
			return nil, err
		}
	}
	return lk, nil
}

// tracePicture recovers a sample's 8-bit picture from its scaled input.
func tracePicture(r *Run) (render.Picture, error) {
	in := r.Input
	if len(in.Shape) != 3 || (in.Shape[2] != 1 && in.Shape[2] != 3) {
		return render.Picture{}, fmt.Errorf("input of shape %v cannot be drawn", in.Shape)
	}
	hi := unitMax(in.Data)
	if hi <= 1 {
		hi = 1 // inputs scaled to [0, 1]
	}
	p := render.Picture{H: in.Shape[0], W: in.Shape[1], C: in.Shape[2], Pix: make([]uint8, len(in.Data))}
	for i, v := range in.Data {
		p.Pix[i] = uint8(min(max(v/hi*255+0.5, 0), 255))
	}
	return p, nil
}

func unitMax(v []float32) float32 {
	var m float32
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// scaled divides by m (a map of zeros stays zeros).
func scaled(v []float32, m float32) []float32 {
	out := make([]float32, len(v))
	if m > 0 {
		for i, x := range v {
			out[i] = x / m
		}
	}
	return out
}

func (b *builder) addPNG(path string, draw func() ([]byte, error)) error {
	data, err := draw()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return b.tree.add(path, data)
}

// spriteFile is the probe sprite in the site; pages show its tiles as CSS
// backgrounds, one file for a thousand pictures.
const spriteFile = learnedFigs + "probe.png"

// spriteStyle shows probe picture k at scale times its size.
func spriteStyle(pc pageCtx, ps *probeSet, k, scale int) template.CSS {
	x, y := (k%ps.Columns)*ps.TileW*scale, (k/ps.Columns)*ps.TileH*scale
	return template.CSS(fmt.Sprintf("background:url(%s) -%dpx -%dpx/%dpx %dpx", pc.rel(spriteFile), x, y, ps.SW*scale, ps.SH*scale))
}

func topStrip(layer string, n int) string {
	return learnedFigs + "strip/" + layer + "/" + strconv.Itoa(n) + ".png"
}

func topCrop(layer string, n, rank int) string {
	return learnedFigs + "top/" + layer + "/" + strconv.Itoa(n) + "-" + strconv.Itoa(rank) + ".png"
}

func lookedFile(kind, sample string, class int) string {
	return learnedFigs + kind + "/" + sample + "/" + strconv.Itoa(class) + ".png"
}
