package site

import (
	"io"
	"runtime"

	"cnnexplainer/engine"
)

// Config is everything a build needs. Zero values take the defaults that
// `go run ./cmd/build` uses from the repository root.
type Config struct {
	Content string // content root holding one folder per language; "content"
	Theme   string // theme folder; "themes/default"
	Layouts string // project folder whose files override the theme's layouts; "layouts"
	Samples string // samples folder (images, samples.json, usually the model); "samples/fashion-mnist"
	Model   string // model to explain instead of the one in Samples (file or folder)
	Out     string // output folder; "public"
	Cache   string // figure cache; ".cache"

	// BaseURL is the absolute address the site is published at, e.g.
	// https://user.github.io/repo/. It is used only where a full URL is
	// required (sitemap, canonical links); page links stay relative.
	BaseURL string

	Langs       []string // languages to build; empty builds every folder in Content
	DefaultLang string   // the language at the site root; "en"
	Drafts      bool     // include pages whose front matter says draft
	Jobs        int      // workers; 0 means the number of CPUs
	StrictI18n  bool     // a missing page or string fails the build
	Strict      bool     // any warning (a foreign image, a missing figure) fails the build
	MaxPages    int      // refuse a site with more overview and neuron pages; 0 means DefaultMaxPages
	LiveReload  bool     // inject the live-reload script (serve mode only)
	// Try adds the "try your own picture" panel: the build compiles the
	// browser engine (cmd/wasm) with the Go toolchain on PATH.
	Try bool

	// LoadModel and LoadImage read the model and the sample pictures;
	// nil means modelfile.Load and imageio.Load.
	LoadModel func(path string) (*engine.Model, error)
	LoadImage func(path string, in engine.Input) (*engine.Tensor, error)

	Log io.Writer // warnings, the translation report and the summary; nil discards

	// Progress receives the build's steps as they happen; nil prints
	// nothing. With ProgressBar (a terminal) one bar line is redrawn.
	Progress    io.Writer
	ProgressBar bool
}

// DefaultMaxPages allows the default model with about 6,700 samples in two
// languages (111 pages a sample and language for the first 15, then 11: the
// overview and the class pages; see switch.go); the 1,000-layer model of
// issue 10 with its 13 samples needs 260,000.
const DefaultMaxPages = 150000

func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Content, "content")
	def(&c.Theme, "themes/default")
	def(&c.Layouts, "layouts")
	def(&c.Samples, "samples/fashion-mnist")
	def(&c.Out, "public")
	def(&c.Cache, ".cache")
	def(&c.DefaultLang, "en")
	if c.MaxPages <= 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.Jobs <= 0 {
		c.Jobs = runtime.NumCPU()
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}
