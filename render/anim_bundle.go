package render

import (
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strconv"
)

// animBundle is one or more animations that share their geometry and
// timing, drawn into one SVG: the convolution of every neuron and input
// channel of one layer for one sample, or every neuron of a ReLU or
// max-pool layer. Each input map is stored once however many members read
// it, and the maps are packed into a few paletted PNG strips, so the
// per-member cost is little more than its output map's pixels.
type animBundle struct {
	shape   *Anim  // geometry, kind and step time; its grids' sizes are every member's
	ins     []Grid // the input maps the members read
	members []animMember

	// overIn draws each output as its input map moved to the output
	// side, under a strip of only the cells whose colour differs. For
	// ReLU, which keeps the positive cells and their colours, that strip
	// holds the cells that became zero, in one colour, and costs little.
	overIn bool
}

// animMember is one animation of a bundle.
type animMember struct {
	id  string // fragment id that selects it; empty in a bundle of one
	in  int    // index into the bundle's ins
	out Grid

	neuron, channel int // what it shows, as the manifest says it
}

func (b animBundle) check() error {
	a := b.shape
	if a == nil {
		return fmt.Errorf("animation bundle without a shape")
	}
	if err := a.check(); err != nil {
		return err
	}
	if len(b.members) == 0 {
		return fmt.Errorf("animation bundle without members")
	}
	if b.overIn && (a.In.H != a.Out.H || a.In.W != a.Out.W) {
		return fmt.Errorf("animation bundle draws %dx%d outputs over %dx%d inputs", a.Out.H, a.Out.W, a.In.H, a.In.W)
	}
	for i, g := range b.ins {
		if g.H != a.In.H || g.W != a.In.W || g.Values != nil && len(g.Values) != g.H*g.W {
			return fmt.Errorf("animation input %d is %dx%d with %d values, the bundle's are %dx%d", i, g.H, g.W, len(g.Values), a.In.H, a.In.W)
		}
	}
	ids := map[string]bool{}
	for i, m := range b.members {
		name := m.id
		if name == "" {
			name = strconv.Itoa(i)
		}
		if m.in < 0 || m.in >= len(b.ins) {
			return fmt.Errorf("animation %s reads input %d of %d", name, m.in, len(b.ins))
		}
		if g := m.out; g.H != a.Out.H || g.W != a.Out.W || g.Values != nil && len(g.Values) != g.H*g.W {
			return fmt.Errorf("animation %s output is %dx%d with %d values, the bundle's is %dx%d", name, g.H, g.W, len(g.Values), a.Out.H, a.Out.W)
		}
		if len(b.members) == 1 {
			continue
		}
		if !fragmentID(m.id) || ids[m.id] {
			return fmt.Errorf("animation %d: fragment id %q is empty, repeated or not a plain name", i, m.id)
		}
		ids[m.id] = true
	}
	return nil
}

// fragmentID accepts the ids a bundle member can have: a letter, then
// letters, digits, '-' or '_'; not of the form i<k> or o<k>, which name
// the map strips.
func fragmentID(id string) bool {
	if id == "" || !(id[0] >= 'a' && id[0] <= 'z' || id[0] >= 'A' && id[0] <= 'Z') {
		return false
	}
	digits := len(id) > 1
	for i, r := range id {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		digit := r >= '0' && r <= '9'
		if !letter && !digit && r != '-' && r != '_' {
			return false
		}
		if i > 0 && !digit {
			digits = false
		}
	}
	return !(digits && (id[0] == 'i' || id[0] == 'o'))
}

// inSide and outSide pack the input and output maps, placing a map's top
// left cell at (x, y).
func (b animBundle) inSide(x, y int) (*mapSide, error) {
	uses := make([]int, len(b.ins))
	for _, m := range b.members {
		uses[m.in]++
		if b.overIn {
			uses[m.in]++
		}
	}
	return newMapSide("i", b.ins, nil, uses, x, y, colPlainIn)
}

func (b animBundle) outSide(x, y int) (*mapSide, error) {
	outs := make([]Grid, len(b.members))
	uses := make([]int, len(b.members))
	var keep [][]bool
	if b.overIn {
		keep = make([][]bool, len(b.members))
	}
	for i, m := range b.members {
		outs[i], uses[i] = m.out, 1
		in := b.ins[m.in]
		if b.overIn && m.out.Values != nil && in.Values != nil {
			keep[i] = make([]bool, len(m.out.Values))
			for j, v := range m.out.Values {
				keep[i][j] = colourKey(m.out.Scale, v) != colourKey(in.Scale, in.Values[j])
			}
		}
	}
	return newMapSide("o", outs, keep, uses, x, y, colPlainOut)
}

// colourKey names the colour of v on scale sc by scheme and palette index,
// so maps on one scheme share palette entries whatever their ranges.
func colourKey(sc Scale, v float32) int { return int(sc.Scheme)*Steps + int(sc.Index(v)) }

// clearKey is the colour key of a cell left transparent.
const clearKey = -1

// mapSide is the maps of one side of a bundle, all the same size, packed
// top to bottom into strips: one paletted PNG each, as many maps as fit
// in 256 colours. A strip is defined once and each map shown by a <use>
// that moves the strip up, through the bundle's clip path; a strip of one
// map read by one member is drawn in place instead.
type mapSide struct {
	id     string // strip id prefix
	x, y   int    // top left of a map, root coordinates
	w, h   int    // map size in cells
	plain  string // colour of a grid without values
	grids  []Grid
	at     []mapSlot // where each grid is; strip -1 for a grid without values
	strips []mapStrip
}

type mapSlot struct{ strip, pos int }

type mapStrip struct {
	png        []byte
	maps, uses int
}

// newMapSide packs grids into strips. keep, when not nil, marks for each
// grid (nil for all) the cells drawn; the others are transparent.
func newMapSide(id string, grids []Grid, keep [][]bool, uses []int, x, y int, plain string) (*mapSide, error) {
	side := &mapSide{id: id, x: x, y: y, plain: plain, grids: grids, at: make([]mapSlot, len(grids))}
	if len(grids) > 0 {
		side.w, side.h = grids[0].W, grids[0].H
	}
	// Each cell's colour key, computed once: the packing reads it twice.
	keys := make([][]int, len(grids))
	var members []int      // grids of the strip being filled
	colours := colourSet{} // their colour keys
	flush := func() error {
		if len(members) == 0 {
			return nil
		}
		if err := side.pack(members, &colours, keys, uses); err != nil {
			return err
		}
		members, colours = members[:0], colourSet{}
		return nil
	}
	for gi, g := range grids {
		if g.Values == nil {
			side.at[gi] = mapSlot{strip: -1}
			continue
		}
		keys[gi] = make([]int, len(g.Values))
		var mine colourSet
		for j, v := range g.Values {
			k := clearKey
			if keep == nil || keep[gi] == nil || keep[gi][j] {
				k = colourKey(g.Scale, v)
			}
			keys[gi][j] = k
			mine.add(k)
		}
		if len(mine.list) > Steps {
			// Only a map with every colour of its scale and some
			// transparent cells gets here.
			return nil, fmt.Errorf("animation map %d needs %d palette entries, more than %d", gi, len(mine.list), Steps)
		}
		added := 0
		for _, k := range mine.list {
			if !colours.has(k) {
				added++
			}
		}
		if len(colours.list)+added > Steps {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		for _, k := range mine.list {
			colours.add(k)
		}
		members = append(members, gi)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return side, nil
}

// colourSet is a set of colour keys: clearKey and every scheme's palette
// indices. An array rather than a map: thousands of maps a sample are
// packed, and hashing each cell's key was 1% of a build.
type colourSet struct {
	in   [1 + len(schemeNames)*Steps]bool // in[k+1]: key k is in the set
	list []int                            // the keys, in the order added
}

func (c *colourSet) has(k int) bool { return c.in[k+1] }

func (c *colourSet) add(k int) {
	if !c.in[k+1] {
		c.in[k+1] = true
		c.list = append(c.list, k)
	}
}

// pack draws the grids members, whose colour keys (keys, by grid and cell)
// are colours, as one strip PNG with a palette of those colours, and
// records where each sits.
func (side *mapSide) pack(members []int, colours *colourSet, keys [][]int, uses []int) error {
	sorted := slices.Clone(colours.list)
	slices.Sort(sorted)
	pal := make(color.Palette, len(sorted))
	var index [1 + len(schemeNames)*Steps]uint8 // index[k+1]: palette index of key k
	for i, k := range sorted {
		index[k+1] = uint8(i)
	}
	img := image.NewPaletted(image.Rect(0, 0, side.w, side.h*len(members)), pal)
	st := mapStrip{maps: len(members)}
	for pos, gi := range members {
		g := side.grids[gi]
		for j, k := range keys[gi] {
			if k == clearKey {
				pal[index[k+1]] = color.NRGBA{}
			} else {
				pal[index[k+1]] = g.Scale.lut[k%Steps]
			}
			img.Pix[pos*side.w*side.h+j] = index[k+1]
		}
		side.at[gi] = mapSlot{strip: len(side.strips), pos: pos}
		st.uses += uses[gi]
	}
	data, err := stripPNG(img)
	if err != nil {
		return err
	}
	st.png = data
	side.strips = append(side.strips, st)
	return nil
}

// shared reports whether a strip holds several maps, which then need the
// clip path.
func (m *mapSide) shared() bool {
	for _, st := range m.strips {
		if st.maps > 1 {
			return true
		}
	}
	return false
}

func (m *mapSide) inPlace(st mapStrip) bool { return st.maps == 1 && st.uses == 1 }

// size is the box of maps maps stacked: one map, or a whole strip.
func (m *mapSide) size(maps int) []Attr {
	return []Attr{F("width", float64(m.w*animCell)), F("height", float64(maps*m.h*animCell))}
}

func (m *mapSide) defs(s *SVG) {
	for i, st := range m.strips {
		if m.inPlace(st) {
			continue
		}
		// The box has the picture's aspect ratio, so the default
		// preserveAspectRatio fills it exactly.
		attrs := append([]Attr{A("id", m.id+strconv.Itoa(i))}, pos(m.x, m.y)...)
		attrs = append(attrs, m.size(st.maps)...)
		s.Elem("image", append(attrs, pngHref(st.png))...)
	}
}

// draw shows grid gi: a plain rectangle when it has no values, its strip
// in place, or a <use> of the strip moved so that map gi is at (x, y).
func (m *mapSide) draw(s *SVG, gi int) { m.drawAt(s, gi, 0, 0) }

// drawAt draws grid gi moved by (dx, dy) from its place.
func (m *mapSide) drawAt(s *SVG, gi, dx, dy int) {
	at := m.at[gi]
	if at.strip < 0 {
		s.Elem("rect", append(append(pos(m.x+dx, m.y+dy), m.size(1)...), A("fill", m.plain))...)
		return
	}
	st := m.strips[at.strip]
	if m.inPlace(st) {
		s.Elem("image", append(append(pos(m.x+dx, m.y+dy), m.size(1)...), pngHref(st.png))...)
		return
	}
	use := append([]Attr{A("href", "#"+m.id+strconv.Itoa(at.strip))}, pos(dx, dy-at.pos*m.h*animCell)...)
	s.Elem("use", use...)
}

func pngHref(data []byte) Attr {
	return A("href", "data:image/png;base64,"+base64.StdEncoding.EncodeToString(data))
}

// pos is the x and y attributes of a position, leaving out those at 0,
// their default.
func pos(x, y int) []Attr {
	var out []Attr
	if x != 0 {
		out = append(out, F("x", float64(x)))
	}
	if y != 0 {
		out = append(out, F("y", float64(y)))
	}
	return out
}
