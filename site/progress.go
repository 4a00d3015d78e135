package site

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress tells the person waiting what the build is doing. On a
// terminal it redraws one bar line; elsewhere (a CI log, a pipe) it
// prints a plain line when a step starts and at each quarter.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	bar      bool
	step     string
	total    int
	done     int
	quarter  int
	lastDraw time.Time
}

func newProgress(w io.Writer, bar bool) *progress {
	return &progress{w: w, bar: bar}
}

// start begins a step of total units (0: a step without a count).
func (p *progress) start(step string, total int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLine()
	p.step, p.total, p.done, p.quarter = step, total, 0, 0
	if p.bar {
		p.draw()
		return
	}
	if total > 0 {
		fmt.Fprintf(p.w, "%s: %d\n", step, total)
	} else {
		fmt.Fprintf(p.w, "%s\n", step)
	}
}

// add counts n units of the current step as done.
func (p *progress) add(n int) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.bar {
		if time.Since(p.lastDraw) > 100*time.Millisecond || p.done == p.total {
			p.draw()
		}
		return
	}
	if p.total > 0 {
		if q := 4 * p.done / p.total; q > p.quarter && q < 4 {
			p.quarter = q
			fmt.Fprintf(p.w, "%s: %d of %d\n", p.step, p.done, p.total)
		}
	}
}

// finish ends the last bar line, so the report starts on its own line.
func (p *progress) finish() {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endLine()
	p.step = ""
}

func (p *progress) endLine() {
	if p.bar && p.step != "" {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func (p *progress) draw() {
	p.lastDraw = time.Now()
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r%s…\x1b[K", p.step)
		return
	}
	const width = 30
	filled := width * p.done / p.total
	fmt.Fprintf(p.w, "\r%-24s [%s%s] %d/%d\x1b[K", p.step, strings.Repeat("#", filled), strings.Repeat("-", width-filled), p.done, p.total)
}
