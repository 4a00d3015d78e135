package site

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// warnKind is what a warning is about, so the build can pick warnings out
// (for the page cache, for -strict-i18n) without reading their text.
type warnKind int

const (
	warnFigure       warnKind = iota // a figure the model cannot show
	warnFact                         // a fact the model does not have
	warnFactDiffers                  // a passage written for another value
	warnForeignImage                 // an image from another host
	warnStringKey                    // a key no strings table has
	warnNoProbe                      // no probe set: no "what did it learn" views
)

// warning is one thing a build says but does not fail on (unless strict).
// It is stored in the page cache, hence the JSON tags.
type warning struct {
	File string   `json:"file"`
	Line int      `json:"line,omitempty"` // 0: the whole file
	Kind warnKind `json:"kind"`
	Msg  string   `json:"msg"`
}

// String is the warning as the report prints it: "file:line: message".
func (w warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg)
	}
	return w.File + ": " + w.Msg
}

func compareWarnings(a, b warning) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Msg, b.Msg))
}

// warnLog collects one build's warnings from its page jobs.
type warnLog struct {
	mu   sync.Mutex
	list []warning
}

func (l *warnLog) add(w ...warning) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, w...)
}

// sorted returns the warnings in file, line, kind order, each once: a
// fallback chapter repeats its original's warnings.
func (l *warnLog) sorted() []warning {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.list)
	slices.SortFunc(out, compareWarnings)
	return slices.Compact(out)
}

// where returns the sorted warnings for which keep holds.
func (l *warnLog) where(keep func(warning) bool) []warning {
	var out []warning
	for _, w := range l.sorted() {
		if keep(w) {
			out = append(out, w)
		}
	}
	return out
}

func warningStrings(ws []warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.String()
	}
	return out
}
