package render

import (
	"os"
	"testing"
)

func TestScratchDump(t *testing.T) {
	m := testModel(t)
	s := testSamples(t, m, 1)[0]
	for _, c := range []struct{ l string; n, ch int }{{"conv_1_1", 0, 1}, {"relu_1_1", 2, -1}, {"max_pool_1", 1, -1}} {
		a, err := NewAnim(m, s.Trace, c.l, c.n, c.ch)
		if err != nil { t.Fatal(err) }
		b, err := a.SVG()
		if err != nil { t.Fatal(err) }
		os.WriteFile("/tmp/h6/"+c.l+".svg", b, 0o644)
		p, err := a.FramePNG(5, 12)
		if err != nil { t.Fatal(err) }
		os.WriteFile("/tmp/h6/"+c.l+"-5.png", p, 0o644)
		g, err := a.GIF(12, 100, 1000)
		if err != nil { t.Fatal(err) }
		os.WriteFile("/tmp/h6/"+c.l+".gif", g, 0o644)
		t.Logf("%s svg %d png %d gif %d", c.l, len(b), len(p), len(g))
	}
	b, _ := Playground{5, 1, 3, 3}.Anim().SVG()
	os.WriteFile("/tmp/h6/pg.svg", b, 0o644)
	p, _ := Playground{5, 1, 3, 3}.Anim().FramePNG(2, 16)
	os.WriteFile("/tmp/h6/pg.png", p, 0o644)
}
