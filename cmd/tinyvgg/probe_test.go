package main

import (
	"slices"
	"testing"
)

func TestPickProbe(t *testing.T) {
	labels := make([]int, 300)
	for i := range labels {
		labels[i] = (i * 7) % 3
	}
	a, err := pickProbe(labels, 3, 20, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pickProbe(labels, 3, 20, 1)
	c, _ := pickProbe(labels, 3, 20, 2)
	if !slices.Equal(a, b) {
		t.Error("the same seed chose different pictures")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 1 and 2 chose the same pictures")
	}
	if len(a) != 60 {
		t.Fatalf("%d pictures, want 60", len(a))
	}
	seen := map[int]bool{}
	for k, it := range a {
		if want := k / 20; it.Label != want || labels[it.Index] != want {
			t.Errorf("picture %d: label %d (data %d), want class %d", k, it.Label, labels[it.Index], want)
		}
		if k%20 > 0 && a[k-1].Index >= it.Index {
			t.Errorf("picture %d: indices within a class are not ascending", k)
		}
		if seen[it.Index] {
			t.Errorf("test index %d chosen twice", it.Index)
		}
		seen[it.Index] = true
	}
	if _, err := pickProbe(labels, 3, 101, 1); err == nil {
		t.Error("asking for more pictures than a class has did not fail")
	}
}
