package site

import "testing"

func TestRelURL(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"index.html", "s/bag/index.html", "s/bag/index.html"},
		{"index.html", "figures/a.png", "figures/a.png"},
		{"zh-CN/index.html", "zh-CN/s/bag/index.html", "s/bag/index.html"},
		{"zh-CN/index.html", "index.html", "../index.html"},
		{"zh-CN/index.html", "figures/a.png", "../figures/a.png"},
		{"zh-CN/s/bag/conv_1_1/3/index.html", "zh-CN/s/bag/conv_1_1/4/index.html", "../4/index.html"},
		{"zh-CN/s/bag/conv_1_1/3/index.html", "zh-CN/s/bag/index.html", "../../index.html"},
		{"s/bag/conv_1_1/3/index.html", "figures/x/unit/0.png", "../../../../figures/x/unit/0.png"},
		{"s/bag/conv_1_1/3/index.html", "s/bag/conv_1_1/3/index.html", "index.html"},
		{"s/bag/index.html", "s/bags/index.html", "../bags/index.html"},
		{"a/b/index.html", "a/", "../"},
		{"a/index.html", "a/", "./"},
	}
	for _, tt := range tests {
		if got := relURL(tt.from, tt.to); got != tt.want {
			t.Errorf("relURL(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
