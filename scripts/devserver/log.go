package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// newLogger writes to stderr; "never" silences the server entirely.
func newLogger(o *options) (*slog.Logger, *slog.LevelVar, error) {
	level := &slog.LevelVar{}
	switch name := o.logLevel; name {
	case "", "warn":
		level.Set(slog.LevelWarn)
	case "never":
		level.Set(slog.Level(100))
	default:
		if err := level.UnmarshalText([]byte(name)); err != nil {
			return nil, nil, fmt.Errorf("invalid --log-level %q", name)
		}
	}
	handlerOptions := &slog.HandlerOptions{Level: level}
	switch o.logFormat {
	case "text", "pretty":
		return slog.New(slog.NewTextHandler(os.Stderr, handlerOptions)), level, nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, handlerOptions)), level, nil
	}
	return nil, nil, fmt.Errorf("invalid --log-format %q (text, pretty or json)", o.logFormat)
}

// slogLogger hands the server's log calls to slog, below a level that shutdown can raise.
type slogLogger struct {
	log   *slog.Logger
	level *slog.LevelVar
}

func (s slogLogger) write(level slog.Level, msg string, tags []tag.Tag) {
	if level < s.level.Level() {
		return
	}
	attrs := make([]slog.Attr, len(tags))
	for i, t := range tags {
		attrs[i] = slog.Any(t.Key(), t.Value())
	}
	s.log.LogAttrs(context.Background(), level, msg, attrs...)
}
func (s slogLogger) Debug(msg string, tags ...tag.Tag)  { s.write(slog.LevelDebug, msg, tags) }
func (s slogLogger) Info(msg string, tags ...tag.Tag)   { s.write(slog.LevelInfo, msg, tags) }
func (s slogLogger) Warn(msg string, tags ...tag.Tag)   { s.write(slog.LevelWarn, msg, tags) }
func (s slogLogger) Error(msg string, tags ...tag.Tag)  { s.write(slog.LevelError, msg, tags) }
func (s slogLogger) DPanic(msg string, tags ...tag.Tag) { s.write(slog.LevelError, msg, tags) }
func (s slogLogger) Panic(msg string, tags ...tag.Tag)  { s.write(slog.LevelError, msg, tags) }
func (s slogLogger) Fatal(msg string, tags ...tag.Tag)  { s.write(slog.LevelError, msg, tags) }
func (s slogLogger) SLog() *slog.Logger                 { return s.log }

var _ log.Logger = slogLogger{}
