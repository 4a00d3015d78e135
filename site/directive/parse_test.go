package directive

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		name    string
		args    map[string]string
		wantErr string
	}{
		{in: `{{< overview >}}`, name: "overview", args: map[string]string{}},
		{in: `  {{< conv layer="conv_1_1" neuron=3 channel=0 >}}  `, name: "conv", args: map[string]string{"layer": "conv_1_1", "neuron": "3", "channel": "0"}},
		{in: `{{< legend scale=activation>}}`, name: "legend", args: map[string]string{"scale": "activation"}},
		{in: `{{< x note="say \"hi\" \\ ok" >}}`, name: "x", args: map[string]string{"note": `say "hi" \ ok`}},
		{in: `{{<overview>}}`, name: "overview", args: map[string]string{}},
		{in: `{{< >}}`, wantErr: "missing figure name"},
		{in: `{{< overview`, wantErr: "must end with"},
		{in: `overview >}}`, wantErr: "must start with"},
		{in: `{{< Conv >}}`, wantErr: "bad figure name"},
		{in: `{{< conv layer >}}`, wantErr: "has no value"},
		{in: `{{< conv layer= >}}`, wantErr: "empty value"},
		{in: `{{< conv layer="a >}}`, wantErr: "missing closing quote"},
		{in: `{{< conv layer="a"neuron=1 >}}`, wantErr: "expected a space"},
		{in: `{{< conv a=1 a=2 >}}`, wantErr: "given twice"},
		{in: `{{< conv a="\n" >}}`, wantErr: "unknown escape"},
		{in: `{{< conv a=x"y >}}`, wantErr: "double quotes"},
		{in: `{{< conv =1 >}}`, wantErr: "expected key=value"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if d.Name != tt.name || !reflect.DeepEqual(d.Args, tt.args) {
				t.Errorf("Parse(%q) = %s %v, want %s %v", tt.in, d.Name, d.Args, tt.name, tt.args)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	spec := Figures()
	tests := []struct {
		in      string
		wantErr string
	}{
		{`{{< overview >}}`, ""},
		{`{{< overview sample=ankle-boot >}}`, ""},
		{`{{< conv layer=conv_1_1 neuron=3 channel=0 >}}`, ""},
		{`{{< playground >}}`, ""},
		{`{{< playground size=7 padding=2 kernel=5 stride=2 >}}`, ""},
		{`{{< legend scale=kernel >}}`, ""},
		{`{{< kernel-history >}}`, ""},
		{`{{< spiral >}}`, `unknown figure "spiral"`},
		{`{{< conv layer=conv_1_1 neuron=3 >}}`, "missing argument channel"},
		{`{{< conv layer=conv_1_1 neuron=three channel=0 >}}`, "not a whole number"},
		{`{{< conv layer=conv_1_1 neuron=-1 channel=0 >}}`, "outside"},
		{`{{< overview colour=red >}}`, `unknown argument "colour"`},
		{`{{< legend scale=rainbow >}}`, "not one of"},
		{`{{< input sample="../../etc/passwd" >}}`, "path outside the project"},
		{`{{< input sample="/etc/passwd" >}}`, "path outside the project"},
		{`{{< input sample="images/a.png" >}}`, "take names, not paths"},
		{`{{< input sample="a b" >}}`, "is not a name"},
		{`{{< playground size=5 padding=0 kernel=3 stride=3 >}}`, "stride 3 does not fit"},
		{`{{< playground size=2 padding=0 kernel=3 >}}`, "larger than the padded input"},
		{`{{< playground padding=3 kernel=3 >}}`, "padding 3 must be smaller"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			err = spec.Check(d)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestPlaygroundDefaults(t *testing.T) {
	d, _ := Parse(`{{< playground stride=2 >}}`)
	p := PlaygroundOf(d)
	if p != (Playground{Size: 5, Padding: 1, Kernel: 3, Stride: 2}) || p.Out() != 3 {
		t.Fatalf("PlaygroundOf = %+v (out %d)", p, p.Out())
	}
}

// FuzzParse checks that Parse never panics and that a parsed directive
// prints to a form that parses back to the same thing.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{{< overview >}}`, `{{< conv layer="conv_1_1" neuron=3 channel=0 >}}`, `{{< x a="q\"\\" >}}`, `{{<>}}`, `{{< a b=c d="e f" >}}`} {
		f.Add(s)
	}
	spec := Figures()
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		_ = spec.Check(d)
		again, err := Parse(d.String())
		if err != nil {
			t.Fatalf("reparse of %q (%q): %v", d.String(), s, err)
		}
		if again.Name != d.Name || !reflect.DeepEqual(again.Args, d.Args) {
			t.Fatalf("round trip of %q: %v != %v", s, again, d)
		}
	})
}
