package render_test

import (
	"fmt"

	"cnnexplainer/render"
)

// CNN Explainer's activation colours: the range is 2*(0.1 + max|v|) wide
// and centred at 0, so a map whose largest magnitude is 1.9 spans [-2, 2].
// With 256 steps no entry sits exactly on 0: it rounds to index 128, which
// stands for +2/255, and 1 reads back as the nearest step, 0.9961.
func ExampleActivationScale() {
	sc := render.ActivationScale(1.9)
	fmt.Println(sc.Range())
	fmt.Println(sc.Hex(-2), sc.Hex(0), sc.Hex(2))
	fmt.Printf("%.4f\n", sc.Value(sc.Color(1)))
	// Output:
	// [-2 2]
	// #67001f #f1efee #053061
	// 0.9961
}

func ExampleLegendFile() {
	fmt.Println(render.LegendFile(render.BrBG, render.WeightScale(0.4231).Range()))
	// Output: l/brbg/-0.423_0.423.svg
}
