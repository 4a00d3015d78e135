package sitecheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

// RuleValidate marks a finding of html-validate.
const RuleValidate Rule = "html-validate"

// HTMLValidate runs html-validate (the npm package, bin is
// node_modules/.bin/html-validate) with the given config over files, slash
// paths inside dir, and returns its errors as Problems. Warnings are not
// returned. The files go to one process in batches, since starting node is
// the slow part.
func HTMLValidate(ctx context.Context, bin, config, dir string, files []string) ([]Problem, error) {
	var out []Problem
	const batch = 400
	for i := 0; i < len(files); i += batch {
		part := files[i:min(i+batch, len(files))]
		args := []string{"--config", config, "--formatter", "json"}
		for _, f := range part {
			args = append(args, filepath.Join(dir, filepath.FromSlash(f)))
		}
		// node cuts a large report short when stdout is a pipe and it exits
		// at once; a file gets all of it.
		report, err := os.CreateTemp("", "html-validate-*.json")
		if err != nil {
			return nil, fmt.Errorf("html-validate: %w", err)
		}
		defer os.Remove(report.Name())
		cmd := exec.CommandContext(ctx, bin, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = report, &stderr
		err = cmd.Run()
		report.Close()
		stdout, rerr := os.ReadFile(report.Name())
		if rerr != nil {
			return nil, fmt.Errorf("html-validate: %w", rerr)
		}
		// html-validate exits 1 when it finds errors; anything else, or no
		// JSON, means it did not run.
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
			return nil, fmt.Errorf("html-validate: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
		var results []struct {
			FilePath string `json:"filePath"`
			Messages []struct {
				RuleID   string `json:"ruleId"`
				Severity int    `json:"severity"`
				Message  string `json:"message"`
				Line     int    `json:"line"`
				Column   int    `json:"column"`
				Selector string `json:"selector"`
			} `json:"messages"`
		}
		if s := bytes.TrimSpace(stdout); len(s) > 0 {
			if err := json.Unmarshal(s, &results); err != nil {
				return nil, fmt.Errorf("html-validate: reading its report: %w (stderr: %s)", err, bytes.TrimSpace(stderr.Bytes()))
			}
		} else if err != nil {
			return nil, fmt.Errorf("html-validate: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
		for _, r := range results {
			rel, err := filepath.Rel(dir, r.FilePath)
			if err != nil {
				rel = r.FilePath
			}
			for _, m := range r.Messages {
				if m.Severity < 2 {
					continue
				}
				out = append(out, Problem{File: filepath.ToSlash(rel), Line: m.Line, Rule: RuleValidate,
					Msg: fmt.Sprintf("%s: %s (at %s, column %d)", m.RuleID, m.Message, m.Selector, m.Column)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out, nil
}
