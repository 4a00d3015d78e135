package site

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// glossary is content/<lang>/glossary.toml: the one word each term gets in
// a language, and the variants to avoid.
type glossary struct {
	Term []struct {
		En, Zh, Note string
		Avoid        []string
	}
}

// TestGlossaryVariants fails on any word a language's glossary says to
// avoid, in that language's chapters and strings.toml, with file and line.
func TestGlossaryVariants(t *testing.T) {
	files, _ := filepath.Glob("../content/*/glossary.toml")
	if len(files) == 0 {
		t.Skip("no content/<lang>/glossary.toml")
	}
	for _, gf := range files {
		var g glossary
		if _, err := toml.DecodeFile(gf, &g); err != nil {
			t.Fatalf("%s: %v", gf, err)
		}
		dir := filepath.Dir(gf)
		texts, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		texts = append(texts, filepath.Join(dir, "strings.toml"))
		for _, f := range texts {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(fh)
			for line := 1; sc.Scan(); line++ {
				for _, term := range g.Term {
					for _, bad := range term.Avoid {
						if strings.Contains(sc.Text(), bad) {
							t.Errorf("%s:%d: %q: the glossary says %q for %q", f, line, bad, term.Zh, term.En)
						}
					}
				}
			}
			fh.Close()
		}
	}
}
