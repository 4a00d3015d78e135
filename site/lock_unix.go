//go:build unix

package site

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// lockCache takes the cache folder's lock for the rest of a build: builds
// on one checkout share the cache and the output, and one pruning or
// swapping while another reads is what made concurrent builds fail. The
// kernel drops the lock when the process dies, so a killed build never
// leaves it held.
func lockCache(cache string, log io.Writer) (unlock func(), err error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("cache %s: %w", cache, err)
	}
	name := filepath.Join(cache, "lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", cache, err)
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		fmt.Fprintf(log, "waiting for another build that uses %s\n", cache)
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() { f.Close() }, nil
}
