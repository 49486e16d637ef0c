// Command temporal-dev-server runs, as `temporal-dev-server server start-dev …`,
// a single-process Temporal server on SQLite plus the Web UI: what the Temporal
// CLI's `server start-dev` does, built on the server version production runs (the
// CLI releases that would bring it cannot be built from the module proxy). It takes
// the CLI's flags, so the TypeScript SDK's TestWorkflowEnvironment.createLocal can
// start it as an existing executable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// repeated is a flag that may be given many times (--search-attribute A=Keyword …).
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

type options struct {
	ip, uiIP, dbFile, logFormat, logLevel, publicPath, assetPath, codecEndpoint string
	port, httpPort, uiPort, metricsPort                                         int
	headless, disableNewsFetch, logConfig                                       bool
	namespaces, dynamicConfig, searchAttributes, pragmas                        repeated
}

// parseArgs reads `server start-dev [flags]`; a flag given twice keeps its last value.
func parseArgs(args []string, stderr io.Writer) (*options, error) {
	if len(args) < 2 || args[0] != "server" || args[1] != "start-dev" {
		return nil, fmt.Errorf("usage: temporal-dev-server server start-dev [flags] (got %q)", strings.Join(args, " "))
	}
	o := &options{}
	fs := flag.NewFlagSet("temporal-dev-server server start-dev", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by main
	fs.StringVar(&o.ip, "ip", "127.0.0.1", "IP address the frontend (and, by default, the Web UI) binds to")
	fs.IntVar(&o.port, "port", 7233, "frontend gRPC port")
	fs.IntVar(&o.httpPort, "http-port", 0, "frontend HTTP API port (default: a free port)")
	fs.IntVar(&o.metricsPort, "metrics-port", 0, "Prometheus /metrics port (default: no metrics endpoint)")
	fs.StringVar(&o.dbFile, "db-filename", "", "SQLite file for the server's state (default: in memory, lost on exit)")
	fs.Var(&o.namespaces, "namespace", "namespace to create at start, besides 'default' (repeatable)")
	fs.Var(&o.searchAttributes, "search-attribute", "custom search attribute NAME=TYPE to register (repeatable)")
	fs.Var(&o.dynamicConfig, "dynamic-config-value", "dynamic config KEY=JSON value (repeatable)")
	fs.Var(&o.pragmas, "sqlite-pragma", "SQLite pragma NAME=VALUE (repeatable)")
	fs.BoolVar(&o.headless, "headless", false, "no Web UI")
	fs.StringVar(&o.uiIP, "ui-ip", "", "IP address the Web UI binds to (default: --ip)")
	fs.IntVar(&o.uiPort, "ui-port", 0, "Web UI port (default: --port + 1000)")
	fs.StringVar(&o.publicPath, "ui-public-path", "", "Web UI base path")
	fs.StringVar(&o.assetPath, "ui-asset-path", "", "Web UI custom assets")
	fs.StringVar(&o.codecEndpoint, "ui-codec-endpoint", "", "Web UI remote codec endpoint")
	// On by default, unlike the CLI's: the UI would have the browser fetch a feed from the internet.
	fs.BoolVar(&o.disableNewsFetch, "ui-disable-news-fetch", true, "Web UI does not fetch its newsfeed (=false to let it)")
	fs.StringVar(&o.logFormat, "log-format", "text", "text, pretty (same as text) or json")
	fs.StringVar(&o.logLevel, "log-level", "", "debug, info, warn, error or never (default: warn)")
	fs.BoolVar(&o.logConfig, "log-config", false, "print the server config to stderr")
	if err := fs.Parse(args[2:]); errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("%w (--help lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.ip == "localhost" { // the server needs an IP address
		o.ip = "127.0.0.1"
	}
	return o, nil
}

// keyValues splits NAME=VALUE pairs; a later pair overrides an earlier one.
func keyValues(flagName string, pairs []string) (map[string]string, error) {
	out := make(map[string]string, len(pairs))
	for _, pair := range pairs {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("--%s %q: want NAME=VALUE", flagName, pair)
		}
		out[key] = value
	}
	return out, nil
}

func run(args []string) error {
	o, err := parseArgs(args, os.Stderr)
	if err != nil {
		return err
	}
	logger, level, err := newLogger(o)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := start(o, logger, level)
	if err != nil {
		return err
	}
	<-ctx.Done()
	if o.logLevel == "" {
		level.Set(slog.LevelError) // shutdown routinely warns about closed connections
	}
	srv.stop()
	return nil
}

func main() {
	if err := run(os.Args[1:]); errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintf(os.Stderr, "temporal-dev-server: %v\n", err)
		os.Exit(2)
	}
}
