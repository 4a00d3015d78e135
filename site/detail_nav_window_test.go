package site

import "testing"

func TestSampleRange(t *testing.T) {
	for _, c := range []struct{ n, cur, max, near, lo, hi int }{
		{14, 13, 15, 7, 0, 14}, // a short list is whole
		{15, 0, 15, 7, 0, 15},
		{16, 0, 15, 7, 0, 7}, // the first sample: its 6 followers
		{200, 3, 15, 7, 0, 7},
		{200, 4, 15, 7, 1, 8}, // in the middle: 3 either side
		{200, 100, 15, 7, 97, 104},
		{200, 199, 15, 7, 193, 200}, // the last: its 6 predecessors
	} {
		lo, hi := sampleRange(c.n, c.cur, c.max, c.near)
		if lo != c.lo || hi != c.hi {
			t.Errorf("sampleRange(%d, %d, %d, %d) = [%d, %d), want [%d, %d)", c.n, c.cur, c.max, c.near, lo, hi, c.lo, c.hi)
		}
		if c.cur < lo || c.cur >= hi {
			t.Errorf("sampleRange(%d, %d, %d, %d) leaves out the current sample", c.n, c.cur, c.max, c.near)
		}
	}
}
