package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		check   func(Config) bool
		wantErr string
	}{
		{nil, func(c Config) bool {
			return c.Site.Samples == "samples/fashion-mnist" && c.Site.Out == "public" && c.Site.Content == "content" && !c.Serve
		}, ""},
		{[]string{"-baseurl", "https://u.github.io/repo"}, func(c Config) bool { return c.Site.BaseURL == "https://u.github.io/repo/" }, ""},
		{[]string{"-lang", "en, zh-CN"}, func(c Config) bool { return reflect.DeepEqual(c.Site.Langs, []string{"en", "zh-CN"}) }, ""},
		{[]string{"-serve", "-j", "3", "-drafts", "-strict-i18n"}, func(c Config) bool {
			return c.Serve && c.Site.Jobs == 3 && c.Site.Drafts && c.Site.StrictI18n && c.Addr == "127.0.0.1:1313"
		}, ""},
		{[]string{"-model", "../shared/anchors/cnn-explainer", "-samples", "x"}, func(c Config) bool {
			return c.Site.Model == "../shared/anchors/cnn-explainer" && c.Site.Samples == "x"
		}, ""},
		{[]string{"-cpuprofile", "c.prof", "-memprofile", "m.prof"}, func(c Config) bool {
			return c.CPUProfile == "c.prof" && c.MemProfile == "m.prof"
		}, ""},
		{[]string{"-j", "-1"}, nil, "must not be negative"},
		{[]string{"extra"}, nil, `unexpected argument "extra"`},
		{[]string{"-nope"}, nil, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			c, err := ParseFlags(tt.args, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}

func TestMainExitCodes(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"-h"}, &out, &errOut); code != 0 {
		t.Errorf("-h exit code %d", code)
	}
	if code := Main(context.Background(), []string{"-nope"}, &out, &errOut); code != 2 {
		t.Errorf("bad flag exit code %d", code)
	}
	errOut.Reset()
	dir := t.TempDir()
	code := Main(context.Background(), []string{"-content", dir + "/missing", "-out", dir + "/public", "-cache", dir + "/cache"}, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "missing") {
		t.Errorf("missing content: exit code %d, stderr %q", code, errOut.String())
	}
}

// TestProfiles checks that -cpuprofile and -memprofile leave pprof files
// even when the build fails, since a failing build is one worth measuring.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	var out, errOut bytes.Buffer
	args := []string{"-content", dir + "/missing", "-out", dir + "/public", "-cache", dir + "/cache", "-cpuprofile", cpu, "-memprofile", mem}
	if code := Main(context.Background(), args, &out, &errOut); code != 1 {
		t.Fatalf("exit code %d, stderr %q", code, errOut.String())
	}
	for _, p := range []string{cpu, mem} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// pprof files are gzipped protocol buffers.
		if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s is not a gzipped profile (%d bytes)", p, len(data))
		}
	}
	args = []string{"-content", dir + "/missing", "-cpuprofile", filepath.Join(dir, "no", "such", "cpu.prof")}
	if code := Main(context.Background(), args, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "cpu profile") {
		t.Errorf("unwritable profile: exit code %d, stderr %q", code, errOut.String())
	}
}
