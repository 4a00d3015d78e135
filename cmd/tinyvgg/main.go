// Command tinyvgg trains, evaluates and runs the engine's models.
//
//	tinyvgg predict -model PATH -input FILE [-trace DIR] [-top N]
//	tinyvgg train   [flags]
//	tinyvgg eval    -model PATH [-json]
//	tinyvgg samples -model PATH -out DIR
//	tinyvgg stats   -model PATH [-out DIR]
//	tinyvgg probe   -out DIR [-per 100] [-seed 1]
//	tinyvgg epoch0  -model DIR [-data DIR]
//
// Run "tinyvgg COMMAND -h" for the flags of a command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"predict": {"classify an image and optionally write every layer's output", runPredict},
		"train":   {"train a model on Fashion-MNIST or an image folder", runTrain},
		"eval":    {"accuracy, per-class accuracy and confusion matrix on a test set", runEval},
		"samples": {"pick and write the curated sample images and samples.json", runSamples},
		"stats":   {"find the ReLU units that never fire on the whole dataset (writes stats.json)", runStats},
		"probe":   {"pick and write the probe set (100 test pictures per class) for the insight views", runProbe},
		"epoch0":  {"add epoch 0 (the untrained model) to an older training history", runEpoch0},
		"animate": {"draw a layer's sliding-window animation as GIF, PNG frames or SVG", runAnimate},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tinyvgg COMMAND [flags]\n\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'tinyvgg COMMAND -h' for a command's flags.")
}

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// Main runs the command line and returns the exit code; tests call it directly.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tinyvgg: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(args[1:], stdout, stderr); err != nil {
		if errors.Is(err, errHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "tinyvgg %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// errHelp is returned by a command whose flags asked for -h; it exits 0.
var errHelp = flag.ErrHelp
