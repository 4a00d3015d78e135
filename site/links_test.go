package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChapterLinksAndUnicodeSlugs links chapters by file name and gives
// them slugs in other scripts and cases: every link must resolve, in the
// pages and in the sitemap.
func TestChapterLinksAndUnicodeSlugs(t *testing.T) {
	cfg := smallSite(t)
	en, zh := filepath.Join(cfg.Content, "en"), filepath.Join(cfg.Content, "zh-CN")
	edit(t, filepath.Join(en, "01-one.md"), "weight: 1\n", "weight: 1\nslug: \"réseau\"\n")
	edit(t, filepath.Join(en, "02-two.md"), `slug: "second"`, `slug: "ReLU"`)
	edit(t, filepath.Join(en, "02-two.md"), "(../one/index.html)", "(01-one.md#figures), [home](_index.md)")
	edit(t, filepath.Join(zh, "01-one.md"), "weight: 1\n", "weight: 1\nslug: \"整流\"\n")
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"réseau/index.html", "ReLU/index.html", "zh-CN/整流/index.html"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, filepath.FromSlash(f))); err != nil {
			t.Errorf("page %s: %v", f, err)
		}
	}
	page, _ := os.ReadFile(filepath.Join(cfg.Out, "ReLU", "index.html"))
	for _, want := range []string{`href="../r%c3%a9seau/index.html#figures"`, `href="../index.html"`} {
		if !strings.Contains(strings.ToLower(string(page)), want) {
			t.Errorf("ReLU/index.html lacks %s", want)
		}
	}
	sitemap, _ := os.ReadFile(filepath.Join(cfg.Out, "sitemap.xml"))
	if !strings.Contains(string(sitemap), "/zh-CN/%E6%95%B4%E6%B5%81/") {
		t.Errorf("the sitemap does not percent-encode the Unicode slug:\n%s", sitemap)
	}
	checkTreeLinks(t, cfg.Out)
}

func TestChapterLinkErrors(t *testing.T) {
	tests := []struct {
		name, add string
		strict    bool
		want      string // in the error; empty: a warning instead
	}{
		{"foreign image warned", "\n![x](http://other.host/x.png)\n", false, ""},
		{"foreign image under -strict", "\n![x](//other.host/x.png)\n", true, "02-two.md:13: image //other.host/x.png loads from another host"},
		{"link to no chapter", "\nSee [that](07-none.md).\n", false, "02-two.md:13: link to 07-none.md: no chapter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smallSite(t)
			cfg.Strict = tt.strict
			name := filepath.Join(cfg.Content, "en", "02-two.md")
			data, _ := os.ReadFile(name)
			write(t, name, string(data)+tt.add)
			rep, err := Build(context.Background(), cfg)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, w := range rep.Warnings {
				found = found || strings.Contains(w, "02-two.md:13: image http://other.host/x.png loads from another host")
			}
			if !found {
				t.Errorf("no warning names the foreign image: %q", rep.Warnings)
			}
		})
	}
}

func edit(t *testing.T, name, old, new string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", name, old)
	}
	write(t, name, strings.Replace(string(data), old, new, 1))
}

// TestStringsGaps deletes a key the theme uses and misspells a
// placeholder in a translation: both must be reported, and fail the build
// under -strict-i18n.
func TestStringsGaps(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 string
	}{
		{"key missing in English", "en", "skip = \"Skip to content\"\n", "", "key nav.skip is used by the site but missing"},
		{"misspelled placeholder", "zh-CN", "“{sample}”的全过程", "“{smaple}”的全过程", "home.sample_title: {smaple} not in the default language's string; lacks {sample}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := smallSite(t)
			edit(t, filepath.Join(cfg.Content, tt.file, "strings.toml"), tt.old, tt.new)
			cfg.StrictI18n = false
			rep, err := Build(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var said []string
			said = append(said, rep.Warnings...)
			said = append(said, rep.Missing["zh-CN"].Strings...)
			if !strings.Contains(strings.Join(said, "\n"), tt.want) {
				t.Errorf("the report does not say %q:\n%s", tt.want, strings.Join(said, "\n"))
			}
			cfg.StrictI18n = true
			if _, err := Build(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("-strict-i18n: error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
