package e2e

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"cnnexplainer/sitecheck/sitetest"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The built site and its server are shared by every test of the package:
// a build takes seconds, and the tests only read it.
var shared struct {
	once  sync.Once
	dir   string // temporary folder holding public/ and the figure cache
	out   string // the built site
	srv   *httptest.Server
	pages []string // every page, slash paths
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// site builds the default site once and serves it; it returns the server's
// base URL (ending in /) and the folder.
func site(t *testing.T) (string, string) {
	t.Helper()
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "e2e-site-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir = dir
		out := filepath.Join(dir, "public")
		sitetest.Build(t, sitetest.Config(t, out, filepath.Join(dir, "cache")))
		err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
				rel, _ := filepath.Rel(out, p)
				shared.pages = append(shared.pages, filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(shared.pages)
		shared.out = out
		shared.srv = httptest.NewServer(pagesHandler(out))
	})
	if shared.srv == nil {
		t.Fatal("the site could not be built (see the first test's error)")
	}
	return shared.srv.URL + "/", shared.out
}

// pagesHandler serves dir as GitHub Pages does: a folder's index.html for
// the folder, the file itself for .../index.html (http.FileServer would
// redirect that to the folder, which hides links that differ from the
// published ones), and 404.html with status 404 for anything missing.
func pagesHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/") {
			p = path.Join(p, "index.html")
		}
		name := filepath.Join(dir, filepath.FromSlash(p))
		f, err := os.Open(name)
		status := http.StatusOK
		if err == nil {
			if st, serr := f.Stat(); serr != nil || st.IsDir() {
				f.Close()
				err = os.ErrNotExist
			}
		}
		if err != nil {
			status = http.StatusNotFound
			if f, err = os.Open(filepath.Join(dir, "404.html")); err != nil {
				http.NotFound(w, r)
				return
			}
			name = "404.html"
		}
		defer f.Close()
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		io.Copy(w, f)
	})
}

// browser starts headless Chromium with background networking off and an
// empty profile, and returns a context for one tab. Chromium's own traffic
// would otherwise show up as requests to other hosts.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := sitetest.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A bound on each test, set after the first run as chromedp asks: long
	// enough for axe over every view page on a loaded two-core machine.
	ctx, cancelTime := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(cancelTime)
	return ctx
}

// watch records what a page does wrong while it loads: console errors,
// uncaught exceptions, failed or refused requests, and any request to a
// host other than the test server's.
type watch struct {
	mu       sync.Mutex
	host     string
	problems []string
	requests int
}

func newWatch(t *testing.T, ctx context.Context, base string) *watch {
	t.Helper()
	u, _ := url.Parse(base)
	w := &watch{host: u.Host}
	err := chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				w.problems = append(w.problems, "console error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			w.problems = append(w.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				w.problems = append(w.problems, fmt.Sprintf("browser log error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			w.requests++
			if r, err := url.Parse(e.Request.URL); err == nil {
				if (r.Scheme == "http" || r.Scheme == "https" || r.Scheme == "ws" || r.Scheme == "wss") && r.Host != w.host {
					w.problems = append(w.problems, "request to another host: "+e.Request.URL)
				}
			}
		case *network.EventLoadingFailed:
			if !e.Canceled {
				w.problems = append(w.problems, fmt.Sprintf("request failed (%s): %s", e.Type, e.ErrorText))
			}
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				w.problems = append(w.problems, fmt.Sprintf("HTTP %d for %s", e.Response.Status, e.Response.URL))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return w
}

// take returns the problems seen so far and forgets them.
func (w *watch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

// settle waits until the page has loaded and its scripts' own requests
// (the detail player's data) have come back: the count of finished
// resources stays the same across two looks 150 ms apart, for at most 5 s.
func settle() chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](`new Promise(function (done) {
			var last = -1, since = Date.now();
			(function look() {
				var n = performance.getEntriesByType("resource").length;
				if (document.readyState === "complete" && n === last) return done(true);
				if (Date.now() - since > 5000) return done(false);
				last = n; setTimeout(look, 150);
			})();
		})`, chromedp.EvalAwaitPromise)(ctx, t)
		return chromedp.Void{}, err
	}
}

// open navigates to u and waits for it to settle.
func open(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), settle()); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
}

// do runs steps and fails the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval runs a script in the page (awaiting a promise it returns) and
// decodes its result.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate: %v\n%s", err, js)
	}
	return v
}

// representative picks every page that is not a per-sample view, and under
// each language's s/ folder the first sample's home and one page of each
// layer; the per-sample pages come from the same templates.
func representative(pages []string) []string {
	var keep []string
	first := map[string]string{}
	seen := map[string]bool{}
	for _, p := range pages {
		i := strings.Index(p, "s/")
		if i < 0 || (i > 0 && p[i-1] != '/') || strings.Count(p[:i], "/") > 1 {
			keep = append(keep, p)
			continue
		}
		prefix, parts := p[:i], strings.Split(p[i+2:], "/")
		if first[prefix] == "" {
			first[prefix] = parts[0]
		}
		if parts[0] != first[prefix] {
			continue
		}
		key := prefix + parts[0]
		if len(parts) > 2 {
			key += "/" + parts[1]
		}
		if !seen[key] {
			seen[key] = true
			keep = append(keep, p)
		}
	}
	return keep
}

// neuronPage is the first page of a neuron's detail view, s/<sample>/<layer>/<n>/index.html.
func neuronPage(t *testing.T) string {
	t.Helper()
	for _, p := range shared.pages {
		if strings.HasPrefix(p, "s/") && strings.Count(p, "/") == 4 {
			return p
		}
	}
	t.Fatal("no neuron page under s/")
	return ""
}
