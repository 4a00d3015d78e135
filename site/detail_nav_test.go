package site

import "testing"

// TestChapterIndex: a layer's detail view links the first chapter that
// places a figure of its kind, whatever the chapters are called.
func TestChapterIndex(t *testing.T) {
	chs := []*chapter{
		{src: []byte("Intro.\n\n{{< input >}}\n\nText {{< conv >}} inside a sentence is no figure.\n"), path: "one/index.html", fm: FrontMatter{Title: "One"}},
		{src: []byte("{{< relu layer=\"r\" neuron=0 >}}\n\n  {{< conv layer=\"c\" neuron=1 channel=0 >}}\n"), path: "two/index.html", fm: FrontMatter{Title: "Two"}},
		{src: []byte("{{< conv >}}\n{{< softmax >}}\n{{< dense class=0 >}}\n"), path: "three/index.html", fm: FrontMatter{Title: "Three"}},
	}
	ix := newChapterIndex(chs)
	tests := []struct{ kind, want string }{
		{"input", "one/index.html"},
		{"conv2d", "two/index.html"},
		{"relu", "two/index.html"},
		{"class", "three/index.html"},
		{"output", "three/index.html"},
		{"maxpool2d", ""},
	}
	for _, tt := range tests {
		if got := ix[tt.kind].Href; got != tt.want {
			t.Errorf("%s: chapter %q, want %q", tt.kind, got, tt.want)
		}
	}
}
