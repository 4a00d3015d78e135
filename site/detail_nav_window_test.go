package site

import "testing"

func TestSampleRange(t *testing.T) {
	for _, c := range []struct{ n, cur, size, lo, hi int }{
		{14, 13, 15, 0, 14}, // a short list is whole
		{15, 0, 15, 0, 15},
		{200, 0, 15, 0, 15}, // the first sample: its 14 followers
		{200, 7, 15, 0, 15},
		{200, 8, 15, 1, 16}, // in the middle: 7 either side
		{200, 100, 15, 93, 108},
		{200, 199, 15, 185, 200}, // the last: its 14 predecessors
	} {
		lo, hi := sampleRange(c.n, c.cur, c.size)
		if lo != c.lo || hi != c.hi {
			t.Errorf("sampleRange(%d, %d, %d) = [%d, %d), want [%d, %d)", c.n, c.cur, c.size, lo, hi, c.lo, c.hi)
		}
		if c.cur < lo || c.cur >= hi {
			t.Errorf("sampleRange(%d, %d, %d) leaves out the current sample", c.n, c.cur, c.size)
		}
	}
}
