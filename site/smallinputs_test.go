package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSmallInputDefects: each case once gave a message naming the wrong
// thing, or an error where none was due.
func TestSmallInputDefects(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, cfg *Config)
		want   string // empty: the build must succeed
	}{
		{"UTF-8 byte-order mark before the front matter", func(t *testing.T, cfg *Config) {
			name := filepath.Join(cfg.Content, "en", "01-one.md")
			data, _ := os.ReadFile(name)
			write(t, name, "\xef\xbb\xbf"+string(data))
		}, ""},
		{"samples.json syntax error", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Samples, "samples.json"), "{\"samples\": [\n  {\"id\": \"a\",, \"file\": \"images/a.png\"}\n]}\n")
		}, "samples.json:2: invalid character"},
		{"samples.json type error", func(t *testing.T, cfg *Config) {
			write(t, filepath.Join(cfg.Samples, "samples.json"), "{\"samples\": [\n  {\"id\": 7}\n]}\n")
		}, "samples.json:2: json: cannot unmarshal number"},
		{"-lang ../x", func(t *testing.T, cfg *Config) { cfg.Langs = []string{"../x"} }, `-lang "../x" is not a language code`},
		{"more pages than -max-pages", func(t *testing.T, cfg *Config) { cfg.MaxPages = 10 }, "over the limit of 10: use fewer samples or languages, or raise -max-pages"},
		{"empty default language folder", func(t *testing.T, cfg *Config) {
			os.RemoveAll(filepath.Join(cfg.Content, "en"))
			os.MkdirAll(filepath.Join(cfg.Content, "en"), 0o755)
		}, "holds no chapters (*.md) and no strings.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smallSite(t)
			tt.break_(t, &cfg)
			_, err := Build(context.Background(), cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
