package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Serve builds the site, serves cfg.Out on addr (127.0.0.1 only) and
// rebuilds when a file under the content, theme, layouts or samples folder
// changes; open pages reload through a small server-sent-events script.
// A failed rebuild is printed and the last good site stays up.
func Serve(ctx context.Context, cfg Config, addr string) error {
	cfg.LiveReload = true
	cfg = cfg.withDefaults()
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("serve: %s is not a loopback address; the preview listens on 127.0.0.1 only", host)
	}
	rebuild := func() {
		rep, err := Build(ctx, cfg)
		if err != nil {
			fmt.Fprintln(cfg.Log, "error:", err)
			return
		}
		rep.WriteWarnings(cfg.Log)
		rep.WriteSummary(cfg.Log)
	}
	rebuild()
	hub := &reloadHub{}
	mux := http.NewServeMux()
	mux.Handle("/__livereload", hub)
	mux.Handle("/", http.FileServer(http.Dir(cfg.Out)))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(cfg.Log, "Serving %s at http://%s/ (Ctrl+C to stop)\n", cfg.Out, ln.Addr())
	go func() {
		last := snapshot(cfg)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				srv.Close()
				return
			case <-t.C:
				if now := snapshot(cfg); now != last {
					last = now
					rebuild()
					hub.broadcast()
				}
			}
		}
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// snapshot sums the names, sizes and times of every watched file, so any
// edit, addition or removal changes it.
func snapshot(cfg Config) string {
	var h strings.Builder
	for _, root := range []string{cfg.Content, cfg.Theme, cfg.Layouts, cfg.Samples} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if fi, err := d.Info(); err == nil {
				fmt.Fprintf(&h, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
			}
			return nil
		})
	}
	if cfg.Model != "" {
		if fi, err := os.Stat(cfg.Model); err == nil {
			fmt.Fprintf(&h, "%d %d", fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return h.String()
}

// reloadHub keeps the open event streams and tells them to reload.
type reloadHub struct {
	mu      sync.Mutex
	clients map[chan struct{}]bool
}

func (h *reloadHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.clients == nil {
		h.clients = map[chan struct{}]bool{}
	}
	h.clients[ch] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.clients, ch)
		h.mu.Unlock()
	}()
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ch:
			fmt.Fprint(w, "event: reload\ndata: {}\n\n")
			fl.Flush()
		}
	}
}

func (h *reloadHub) broadcast() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.clients {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
