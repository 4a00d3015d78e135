// Command build turns the chapters, the theme and the trained model into
// the static explainer site.
//
//	go run ./cmd/build              # build into public/
//	go run ./cmd/build -serve       # preview on http://127.0.0.1:1313/ with live reload
//
// Run with -h for every flag.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
