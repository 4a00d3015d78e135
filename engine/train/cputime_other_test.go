//go:build !unix

package train

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
