package directive

import (
	"errors"
	"strings"
	"testing"
)

// testSpec is a caller's table in miniature: the package itself knows no
// names, so its tests bring their own.
func testSpec() Spec {
	name := Arg{Type: Ident}
	index := Arg{Type: Int, Required: true, Min: 0, Max: 1 << 20}
	return Spec{
		"plain": {},
		"box":   {Args: map[string]Arg{"sample": name, "layer": {Type: Ident, Required: true}, "n": index}},
		"pick":  {Args: map[string]Arg{"scale": {Type: Enum, Required: true, Values: []string{"warm", "cold"}}}},
		"pair": {Args: map[string]Arg{"a": {Type: Int, Min: 0, Max: 9}, "b": {Type: Int, Min: 0, Max: 9}},
			Check: func(d Directive) error {
				if d.Int("a", 0)+d.Int("b", 0) > 9 {
					return errors.New("a + b is over 9")
				}
				return nil
			}},
	}
}

// testInlines mirrors the site's facts: fact prints, assume must expect.
func testInlines() Spec {
	fact := map[string]Arg{"name": {Type: Ident, Required: true}, "expect": {Type: Text}}
	assume := map[string]Arg{"name": fact["name"], "expect": {Type: Text, Required: true}}
	return Spec{"fact": {Args: fact}, "assume": {Args: assume}}
}

func TestCheck(t *testing.T) {
	spec := testSpec()
	tests := []struct {
		in      string
		wantErr string
	}{
		{`{{< plain >}}`, ""},
		{`{{< box layer=conv_1_1 n=3 >}}`, ""},
		{`{{< box sample=ankle-boot layer=a.b n=0 >}}`, ""},
		{`{{< pick scale=cold >}}`, ""},
		{`{{< pair a=4 b=5 >}}`, ""},
		{`{{< pair >}}`, ""},
		{`{{< spiral >}}`, `unknown figure "spiral" (known: box, pair, pick, plain)`},
		{`{{< box layer=a >}}`, "missing argument n"},
		{`{{< box layer=a n=three >}}`, "not a whole number"},
		{`{{< box layer=a n=-1 >}}`, "outside"},
		{`{{< plain colour=red >}}`, `unknown argument "colour"`},
		{`{{< pick scale=rainbow >}}`, "not one of"},
		{`{{< box layer="../../etc/passwd" n=1 >}}`, "path outside the project"},
		{`{{< box layer="/etc/passwd" n=1 >}}`, "path outside the project"},
		{`{{< box layer="images/a.png" n=1 >}}`, "take names, not paths"},
		{`{{< box layer="a b" n=1 >}}`, "is not a name"},
		{`{{< pair a=5 b=5 >}}`, "figure pair: a + b is over 9"},
		{`{{< pair a=10 b=0 >}}`, "outside 0..9"}, // arguments are checked before the form
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
