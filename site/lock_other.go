//go:build !unix

package site

import "io"

// lockCache does nothing where flock is missing (Windows): concurrent
// builds on one checkout are safe on Unix only, as docs/architecture.md says.
func lockCache(cache string, log io.Writer) (unlock func(), err error) {
	return func() {}, nil
}
