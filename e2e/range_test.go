package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRangeModes switches the overview's colour range to each mode and back
// and checks that every map then shows that mode's picture and loads it: the
// page names only the unit maps, and the script finds the others from them.
func TestRangeModes(t *testing.T) {
	base, _ := site(t)
	ctx := browser(t)
	w := newWatch(t, ctx, base)
	k := knownFindings(t)
	open(t, ctx, base+"index.html")
	maps := eval[int](t, ctx, `document.querySelectorAll(".overview .ov-col[data-modes] .nb img").length`)
	if maps == 0 {
		t.Fatal("no overview column offers the range modes (data-modes)")
	}
	for _, mode := range []string{"module", "global", "unit"} {
		// Every map listing the mode shows /<mode>/ and has loaded.
		shown := `Array.from(document.querySelectorAll(".overview .ov-col[data-modes] .nb img")).every(function (i) {
			return i.getAttribute("src").indexOf("/` + mode + `/") >= 0 && i.complete && i.naturalWidth > 0; })`
		do(t, ctx, "choose the "+mode+" range",
			chromedp.Click(chromedp.CSS(`.overview .modes input[value="`+mode+`"]`)),
			func(ctx2 context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				_, err := chromedp.Poll[bool](shown, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))(ctx2, tg)
				return chromedp.Void{}, err
			},
			settle())
	}
	for _, p := range w.take() {
		k.report(t, "range modes: "+p)
	}
	t.Logf("%d maps switched to module, global and back to unit", maps)
}
