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

// FuzzParse checks that Parse never panics and that a parsed directive
// prints to a form that parses back to the same thing.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{{< overview >}}`, `{{< conv layer="conv_1_1" neuron=3 channel=0 >}}`, `{{< x a="q\"\\" >}}`, `{{<>}}`, `{{< a b=c d="e f" >}}`} {
		f.Add(s)
	}
	spec := testSpec()
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
