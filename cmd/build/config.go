package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"cnnexplainer/site"
)

// Config is the command line: the site's settings plus how to run.
type Config struct {
	Site  site.Config
	Serve bool
	Addr  string

	CPUProfile, MemProfile string // pprof files to write, for measuring the build
}

// ParseFlags reads the command line. It is kept apart from Run so tests
// can build a Config directly.
func ParseFlags(args []string, stderr io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Site.Content, "content", "content", "content folder, one sub-folder per language")
	fs.StringVar(&c.Site.Theme, "theme", "themes/default", "theme folder")
	fs.StringVar(&c.Site.Layouts, "layouts", "layouts", "project layouts that override the theme's files of the same name")
	fs.StringVar(&c.Site.Samples, "samples", "samples/fashion-mnist", "samples folder: samples.json and its pictures, or pictures in class folders (DIR/<class>/*.png|jpg), and usually the model")
	fs.StringVar(&c.Site.Model, "model", "", "model to explain instead of the samples folder's (ours or TF.js model.json, an .onnx file, or its folder)")
	fs.StringVar(&c.Site.Out, "out", "public", "output folder, replaced as a whole when the build succeeds")
	fs.StringVar(&c.Site.Cache, "cache", ".cache", "figure cache folder")
	fs.StringVar(&c.Site.BaseURL, "baseurl", "", "address the site is published at, e.g. https://USER.github.io/REPO/")
	lang := fs.String("lang", "", "comma-separated languages to build (default: every folder in -content)")
	fs.BoolVar(&c.Site.Drafts, "drafts", false, "include pages marked draft")
	fs.BoolVar(&c.Serve, "serve", false, "preview on 127.0.0.1 and rebuild on change")
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:1313", "address for -serve (loopback only)")
	fs.IntVar(&c.Site.Jobs, "j", 0, "workers (default: number of CPUs)")
	fs.BoolVar(&c.Site.Try, "try", true, "add the try-your-own-picture panel (compiles cmd/wasm with GOOS=js GOARCH=wasm)")
	fs.BoolVar(&c.Site.StrictI18n, "strict-i18n", false, "fail when a language lacks a page or a string, or a string's placeholders differ from English")
	fs.IntVar(&c.Site.MaxPages, "max-pages", site.DefaultMaxPages, "refuse, before drawing any figure, a site with more overview and neuron pages")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the build to this file (go tool pprof)")
	fs.StringVar(&c.MemProfile, "memprofile", "", "write an allocation profile of the build to this file (go tool pprof)")
	fs.BoolVar(&c.Site.Strict, "strict", false, "fail on any warning (an image from another host, a figure that cannot be shown)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *lang != "" {
		for _, l := range strings.Split(*lang, ",") {
			if l = strings.TrimSpace(l); l != "" {
				c.Site.Langs = append(c.Site.Langs, l)
			}
		}
	}
	if c.Site.Jobs < 0 {
		return c, fmt.Errorf("-j must not be negative")
	}
	if c.Site.BaseURL != "" && !strings.HasSuffix(c.Site.BaseURL, "/") {
		c.Site.BaseURL += "/"
	}
	return c, nil
}

// Run builds (or serves) and prints the report.
func Run(ctx context.Context, c Config, stdout, stderr io.Writer) error {
	c.Site.Log = stderr
	c.Site.Progress = stderr
	if f, ok := stderr.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			c.Site.ProgressBar = true
		}
	}
	if c.Serve {
		return site.Serve(ctx, c.Site, c.Addr)
	}
	stopProfiles, err := startProfiles(c.CPUProfile, c.MemProfile)
	if err != nil {
		return err
	}
	rep, err := site.Build(ctx, c.Site)
	if perr := stopProfiles(); err == nil {
		err = perr
	}
	if err != nil {
		return err
	}
	rep.WriteWarnings(stderr)
	rep.WriteTranslationReport(stdout)
	rep.WriteSummary(stdout)
	writeWhere(stdout, c.Site.Out)
	return nil
}

// writeWhere ends the build's output with the folder and how to open it.
func writeWhere(w io.Writer, out string) {
	abs, err := filepath.Abs(out)
	if err != nil {
		abs = out
	}
	index := filepath.Join(abs, "index.html")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(index)}
	fmt.Fprintf(w, "Site written to %s\nOpen %s in a browser, or preview with: go run ./cmd/build -serve\n", abs, u.String())
}

// Main is the whole command; it returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "build:", err)
		return 2
	}
	if err := Run(ctx, c, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "build:", err)
		return 1
	}
	return 0
}
