package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A streamed render asks for each sample once, in order, and only once the
// figures of the samples before the last are drawn: that is what keeps a
// build's memory flat in the number of samples.
func TestRenderStreamDrawsSampleBySample(t *testing.T) {
	m := testModel(t)
	samples := testSamples(t, m, 4)
	_, all := renderTest(t, 1) // the two first samples' figures, as Render makes them
	dir := t.TempDir()
	var asked []int
	var missing []string
	sample := func(i int) (Sample, error) {
		asked = append(asked, i)
		if i >= 2 {
			// One worker: only the last job of sample i-1, just handed
			// over, may still be drawing; every file of sample i-2 is
			// written.
			for _, f := range all.Figures {
				if f.Sample != samples[i-2].ID {
					continue
				}
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.File))); err != nil {
					missing = append(missing, f.File)
				}
			}
		}
		return samples[i], nil
	}
	if _, err := RenderStream(context.Background(), m, len(samples), sample, nil, dir, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3}; !slices.Equal(asked, want) {
		t.Errorf("samples asked %v, want %v", asked, want)
	}
	if len(missing) > 0 {
		t.Errorf("asked for a sample before %d figures of the one two back were drawn, first %s", len(missing), missing[0])
	}
}

func TestRenderStreamReportsSampleErrors(t *testing.T) {
	m := testModel(t)
	samples := testSamples(t, m, 3)
	bad := errors.New("cannot read picture")
	sample := func(i int) (Sample, error) {
		if i == 1 {
			return Sample{}, bad
		}
		return samples[i], nil
	}
	_, err := RenderStream(context.Background(), m, len(samples), sample, nil, t.TempDir(), Options{Workers: 2})
	if !errors.Is(err, bad) || !strings.Contains(err.Error(), "sample 1") {
		t.Fatalf("got %v, want the error of sample 1", err)
	}
}
