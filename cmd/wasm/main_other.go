//go:build !(js && wasm)

// Command wasm is the browser engine of the "try your own picture" panel.
// It only does something when built with GOOS=js GOARCH=wasm (site does
// that at build time); run natively it says so.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cmd/wasm runs in a browser: build it with GOOS=js GOARCH=wasm (go run ./cmd/build does)")
	os.Exit(2)
}
