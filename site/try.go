package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"cnnexplainer/engine/modelfile"
)

// The "try your own picture" panel runs the project's own engine in the
// browser: cmd/wasm compiled with GOOS=js GOARCH=wasm at build time (the
// build already runs under the Go toolchain, and a committed binary would
// drift from the engine it claims to be). Both files are classic scripts
// holding base64 text, because a page opened from disk may not fetch a
// .wasm file, but may always load a script.
const (
	// Everything of the panel lives under try/ (its script, style, words,
	// engine and model), which sitecheck counts as the click's download.
	TryEngineFile = "try/engine.js" // wasm_exec.js + the gzipped engine
	TryModelFile  = "try/model.js"  // the model this site was built with
	tryPackage    = "cnnexplainer/cmd/wasm"
)

// TryView is what the home page's try panel links to. The words try.js
// shows wait in a script of their own (TryStrings), so that they too load
// on the first click rather than with every home page.
type TryView struct {
	Script, CSS, Engine, Model, Strings string
}

func (b *builder) tryView(l *Language, root string) *TryView {
	return &TryView{Script: root + "try/try.js", CSS: root + "try/try.css", Engine: root + TryEngineFile, Model: root + TryModelFile, Strings: root + tryStringsFile(l)}
}

func tryStringsFile(l *Language) string { return "try/strings-" + l.Code + ".js" }

// tryStrings is one language's script of words: the try, layer and range
// strings and the class names.
func (b *builder) tryStrings(l *Language) ([]byte, error) {
	v := struct {
		Strings map[string]string `json:"strings"`
		Classes []string          `json:"classes"`
	}{Strings: map[string]string{}}
	for _, k := range l.keys() {
		if strings.HasPrefix(k, "try.") || strings.HasPrefix(k, "layer.") || strings.HasPrefix(k, "range.") || k == "overview.range" {
			v.Strings[k] = l.T(k)
		}
	}
	for _, c := range b.views.net.Classes {
		v.Classes = append(v.Classes, l.Class(c))
	}
	js, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("try panel: %w", err)
	}
	return []byte("globalThis.cnnTryStrings=" + string(js) + ";\n"), nil
}

// tryAssets compiles the browser engine and writes it and the model as
// scripts. The outputs depend only on the sources, the toolchain and the
// model, so a build is byte-identical to the previous one.
func (b *builder) tryAssets() error {
	dir := filepath.Join(b.cfg.Cache, "try")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	wasm := filepath.Join(dir, "engine.wasm")
	if err := buildWasm(wasm); err != nil {
		return err
	}
	support, err := wasmExecJS()
	if err != nil {
		return err
	}
	// Minified like every other script, which also drops its comments (one
	// names an issue on github.com, which the host check would flag).
	if support, err = minifyFile(b.min, "wasm_exec.js", support); err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	bin, err := os.ReadFile(wasm)
	if err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	if err := engineScript(filepath.Join(dir, filepath.Base(TryEngineFile)), bin, support); err != nil {
		return err
	}
	b.tree.copy(TryEngineFile, filepath.Join(dir, filepath.Base(TryEngineFile)))
	doc, weights, err := modelfile.Encode(b.views.net.Model)
	if err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	docJS, _ := json.Marshal(string(doc)) // escapes U+2028/9 and </script>
	model := fmt.Sprintf("globalThis.cnnTryModel={json:%s,weights:%q};\n", docJS, gzipBase64(weights))
	for _, l := range b.langs {
		data, err := b.tryStrings(l)
		if err != nil {
			return err
		}
		if err := b.tree.add(tryStringsFile(l), data); err != nil {
			return err
		}
	}
	// Copied rather than added: the minifier has nothing to gain on one
	// long string literal and would take seconds over it.
	p := filepath.Join(dir, filepath.Base(TryModelFile))
	if err := writeRenamed(p, []byte(model)); err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	b.tree.copy(TryModelFile, p)
	return nil
}

// engineScript writes the engine's script to p unless p already holds the
// script of these very bytes (a rebuild): gzip -9 of 4 MB is most of the
// panel's share of a rebuild.
func engineScript(p string, wasm, support []byte) error {
	h := sha256.New()
	h.Write(support)
	h.Write([]byte{0})
	h.Write(wasm)
	key := hex.EncodeToString(h.Sum(nil))
	if old, err := os.ReadFile(p + ".key"); err == nil && string(old) == key {
		if _, err := os.Stat(p); err == nil {
			return nil
		}
	}
	var eng bytes.Buffer
	eng.Write(support)
	fmt.Fprintf(&eng, "\nglobalThis.cnnTryWasm=%q;\n", gzipBase64(wasm))
	// A fresh file (rename, not rewrite): the previous public/ may hold a
	// hard link to the old one.
	if err := writeRenamed(p, eng.Bytes()); err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	if err := writeRenamed(p+".key", []byte(key)); err != nil {
		return fmt.Errorf("try panel: %w", err)
	}
	return nil
}

// buildWasm runs go build for the browser. -trimpath and an empty build id
// keep the bytes independent of where the checkout lives, and
// -buildvcs=false of its git state (the revision, and whether any file,
// even a chapter, has uncommitted changes).
func buildWasm(out string) error {
	cmd := exec.Command(goTool(), "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-o", out, tryPackage)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("try panel (leave it out with -try=false): GOOS=js GOARCH=wasm go build %s: %w\n%s", tryPackage, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// wasmExecJS is Go's own support script for js/wasm, from the toolchain
// that compiled the engine (the two must match).
func wasmExecJS() ([]byte, error) {
	out, err := exec.Command(goTool(), "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("try panel: go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(out))
	for _, rel := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if data, err := os.ReadFile(filepath.Join(root, rel)); err == nil {
			return data, nil
		}
	}
	return nil, fmt.Errorf("try panel: no wasm_exec.js under %s (lib/wasm or misc/wasm)", root)
}

func writeRenamed(p string, data []byte) error {
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// gzipBase64 is the page's decoding in reverse: base64 text of a gzip
// stream (DecompressionStream reads it back). Gzip first, because base64
// text compresses far worse than the binary it encodes.
func gzipBase64(data []byte) string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level cannot fail
	zw.Write(data)
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// keys lists every string key this language shows, its own and the
// default language's.
func (l *Language) keys() []string {
	all := map[string]bool{}
	for k := range l.strings {
		all[k] = true
	}
	for k := range l.fallback {
		all[k] = true
	}
	return sortedKeys(all)
}
