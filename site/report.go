package site

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteSummary prints the table that ends a build, one column per
// language, in the manner of Hugo's.
func (r *Report) WriteSummary(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "\t"
	line := "\t"
	for _, l := range r.Langs {
		head += strings.ToUpper(l) + "\t"
		line += strings.Repeat("-", max(len(l), 5)) + "\t"
	}
	fmt.Fprintln(tw, head)
	fmt.Fprintln(tw, line)
	row := func(name string, f func(string) string) {
		s := name + "\t"
		for _, l := range r.Langs {
			s += f(l) + "\t"
		}
		fmt.Fprintln(tw, s)
	}
	row("Pages", func(l string) string { return fmt.Sprint(r.Pages[l]) })
	row("Bytes", func(l string) string { return humanBytes(r.Bytes[l]) })
	tw.Flush()
	cached := "rendered"
	if r.Cached {
		cached = "from cache"
	}
	pages := "built"
	if r.PagesCached {
		pages = "from cache"
	}
	fmt.Fprintf(w, "Figures: %d (%s); overview and neuron pages %s; shared files (figures, pictures, data): %s\n", r.Figures, cached, pages, humanBytes(r.Shared))
	fmt.Fprintf(w, "Home page first load: %s\n", humanBytes(r.HomeWeight))
	fmt.Fprintf(w, "Total in %d ms\n", r.Elapsed.Milliseconds())
}

// WriteTranslationReport lists, per language, the pages and strings that
// fall back to the default language.
func (r *Report) WriteTranslationReport(w io.Writer) {
	for _, code := range r.Langs[1:] {
		g := r.Missing[code]
		if len(g.Pages) == 0 && len(g.Strings) == 0 {
			fmt.Fprintf(w, "translation %s: complete\n", code)
			continue
		}
		fmt.Fprintf(w, "translation %s: %d pages and %d strings missing\n", code, len(g.Pages), len(g.Strings))
		for _, p := range g.Pages {
			fmt.Fprintf(w, "  page   %s\n", p)
		}
		for _, s := range g.Strings {
			fmt.Fprintf(w, "  string %s\n", s)
		}
	}
}

// WriteWarnings prints figures that could not be shown, one a line.
func (r *Report) WriteWarnings(w io.Writer) {
	for _, m := range r.Warnings {
		fmt.Fprintln(w, "warning:", m)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
