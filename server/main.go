// Command wirebook serves the HTTP course: every endpoint the course's
// notebook calls, on one address and, with -course-ports, on its own ports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// errUsage marks a mistake in the command line or in the lesson it names,
// which exits 2 as the flag package's own errors do; -h is flag.ErrHelp,
// which exits 0.
type errUsage struct{ error }

// exitCode is 0 for success and for -h, 2 for a mistake in the command
// line (as the flag package's own errors), 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	var bad errUsage
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &bad):
		fmt.Fprintln(stderr, "wirebook:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "wirebook:", err)
		return 1
	}
}

// run is the whole program, so tests can start it in-process and stop it
// by cancelling ctx.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "check" {
		return runCheck(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "export" {
		return runExport(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return errUsage{err}
	}
	app, err := newApp(cfg, stdout)
	if err != nil {
		return err
	}
	return app.serve(ctx)
}
