// Command wirebook serves the HTTP course: every endpoint the course's
// notebook calls, on one address and, with -course-ports, on its own ports.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wirebook:", err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can start it in-process and stop it
// by cancelling ctx.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	app, err := newApp(cfg, stdout)
	if err != nil {
		return err
	}
	return app.serve(ctx)
}
