package site

import (
	"errors"
	"testing"

	"cnnexplainer/site/directive"
)

// TestFactsOfCommittedModel checks each fact against figures found apart
// from the site: `go run ./cmd/tinyvgg eval -model samples/fashion-mnist`
// (accuracy, confusion), `predict` on the close-call sample, the layer
// sizes, and `tinyvgg stats` (dead units).
func TestFactsOfCommittedModel(t *testing.T) {
	set, err := LoadSamples("../samples/fashion-mnist")
	if err != nil {
		t.Skipf("no committed model: %v", err)
	}
	net, err := loadNet(Config{Samples: "../samples/fashion-mnist"}, set, func() {})
	if err != nil {
		t.Fatal(err)
	}
	en := &Language{Code: "en", strings: Strings{"fact.list_sep": ", ", "fact.list_and": " and ", "class.Shirt": "Shirt"}}
	tests := []struct {
		src, raw, text string
	}{
		{`{{< fact name="model" >}}`, "tinyvgg-fashion-mnist", "tinyvgg-fashion-mnist"},
		{`{{< fact name="params" >}}`, "7740", "7,740"},
		{`{{< fact name="params" layer="conv_1_1" >}}`, "100", "100"},
		{`{{< fact name="params" layer="conv_2_2" >}}`, "910", "910"},
		{`{{< fact name="params" layer="output" >}}`, "4910", "4,910"},
		{`{{< fact name="params-share" layer="output" >}}`, "63", "63%"},
		{`{{< fact name="accuracy" >}}`, "90.85", "90.85%"},
		{`{{< fact name="accuracy" epoch=1 >}}`, "84.94", "84.94%"},
		// Epoch 0 is the untrained model, measured by `tinyvgg epoch0`.
		{`{{< fact name="accuracy" epoch=0 >}}`, "10.00", "10.00%"},
		{`{{< fact name="train-accuracy" epoch=0 >}}`, "10.00", "10.00%"},
		{`{{< fact name="test-loss" epoch=0 >}}`, "2.303", "2.303"},
		{`{{< fact name="train-accuracy" >}}`, "92.75", "92.75%"},
		{`{{< fact name="test-loss" >}}`, "0.255", "0.255"},
		{`{{< fact name="class-accuracy" class=6 >}}`, "71.5", "71.5%"},
		{`{{< fact name="confusion" class=6 predicted=0 >}}`, "129", "129"},
		{`{{< fact name="mistakes" >}}`, "915", "915"},
		{`{{< fact name="mistakes" classes="0 2 4 6" >}}`, "615", "615"},
		{`{{< fact name="test-images" >}}`, "10000", "10,000"},
		{`{{< fact name="prob" >}}`, "49.87", "49.87%"},
		{`{{< fact name="prob" rank=2 >}}`, "49.86", "49.86%"},
		{`{{< fact name="params" kind="conv2d" >}}`, "2830", "2,830"},
		{`{{< fact name="class" rank=2 >}}`, "6", "Shirt"},
		// Their gap, 0.0002, is log(0.4987/0.4986), as predict's probabilities give.
		{`{{< fact name="logit" >}}`, "2.1036", "2.1036"},
		{`{{< fact name="logit" rank=2 >}}`, "2.1034", "2.1034"},
		{`{{< fact name="prob" sample="trouser" class=1 >}}`, "100.00", "100.00%"},
		{`{{< fact name="kernel-growth" layer="conv_1_1" neuron=5 >}}`, "5.5", "5.5"},
		{`{{< fact name="dead" >}}`, "5", "5"},
		{`{{< fact name="dead-list" layer="relu_1_1" >}}`, "7 9", "7 and 9"},
		{`{{< fact name="dead-images" >}}`, "70000", "70,000"},
		{`{{< fact name="dead-since" layer="relu_1_1" neuron=7 >}}`, "0", "0"},
		{`{{< fact name="dead-since" layer="relu_1_2" neuron=5 >}}`, "2", "2"},
		{`{{< fact name="dead-list" >}}`, "7 9 5 0 8", "7, 9, 5, 0 and 8"},
		{`{{< fact name="relu-units" >}}`, "40", "40"},
		{`{{< fact name="dead-at-start" layer="relu_2_2" >}}`, "0 3 5 8", "0, 3, 5 and 8"},
		{`{{< fact name="revived" layer="relu_2_2" >}}`, "3 5", "3 and 5"},
	}
	names := factNames()
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			d, err := directive.Parse(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			f, err := names[d.Str("name", "")](net, d, en)
			if err != nil {
				t.Fatal(err)
			}
			if f.raw != tc.raw || f.text != tc.text {
				t.Errorf("got %q / %q, want %q / %q", f.raw, f.text, tc.raw, tc.text)
			}
		})
	}
}

// TestFactsMissing: a fact the model cannot give is a noFact (a notice and
// a warning), not a build failure and not a made-up number.
func TestFactsMissing(t *testing.T) {
	set, err := LoadSamples("../samples/fashion-mnist")
	if err != nil {
		t.Skipf("no committed model: %v", err)
	}
	net, err := loadNet(Config{Samples: "../samples/fashion-mnist"}, set, func() {})
	if err != nil {
		t.Fatal(err)
	}
	bare := *net
	bare.History, bare.Units, bare.UnitsNote = nil, nil, "no stats.json"
	en := &Language{Code: "en"}
	for _, src := range []string{
		`{{< fact name="accuracy" >}}`,
		`{{< fact name="dead" >}}`,
		`{{< fact name="params" layer="conv_9" >}}`,
		`{{< fact name="prob" sample="nothing" >}}`,
		`{{< fact name="class-accuracy" class=10 >}}`,
	} {
		d, _ := directive.Parse(src)
		_, err := factNames()[d.Str("name", "")](&bare, d, en)
		var nf noFact
		if !errors.As(err, &nf) {
			t.Errorf("%s: err = %v, want a missing fact", src, err)
		}
	}
}

func TestLocalDigits(t *testing.T) {
	zh := &Language{Code: "zh-CN", strings: Strings{"fact.thousands_sep": ""}}
	en := &Language{Code: "en", strings: Strings{"fact.thousands_sep": ","}}
	tests := []struct {
		in   string
		l    *Language
		want string
	}{
		{"7,740", zh, "7740"},
		{"1,234,567", zh, "1234567"},
		{"7, 9 and 5", zh, "7, 9 and 5"}, // a list, not digit groups
		{"7,740", en, "7,740"},
	}
	for _, tc := range tests {
		if got := localDigits(tc.in, tc.l); got != tc.want {
			t.Errorf("localDigits(%q, %s) = %q, want %q", tc.in, tc.l.Code, got, tc.want)
		}
	}
}
