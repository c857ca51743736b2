// serfwd's logger: the zap logger the log section describes, writing JSON or
// console lines through the redactor.

package main

import (
	"fmt"
	"io"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/redact"
)

// newLogger builds serfwd's logger from the log section: JSON (default) or
// console lines, to w (stderr, which systemd's journal collects). w is the
// command's stderr, which dispatch made redacting: every line goes through
// the redactor that loadConfig taught the config's secrets.
func newLogger(c config.Log, w io.Writer) (*zap.Logger, error) {
	w = redact.Of(w).Writer(w) // the same writer when it already redacts
	level := zapcore.InfoLevel
	if c.Level != "" {
		if err := level.UnmarshalText([]byte(c.Level)); err != nil {
			return nil, fmt.Errorf("log.level: %w", err)
		}
	}
	var enc zapcore.Encoder
	switch c.Format {
	case "console":
		ec := zap.NewDevelopmentEncoderConfig()
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewConsoleEncoder(ec)
	case "", "json":
		ec := zap.NewProductionEncoderConfig()
		ec.TimeKey = "time"
		ec.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(ec)
	default:
		return nil, fmt.Errorf("log.format: unknown format %q (want json or console)", c.Format)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), level)
	return zap.New(core, zap.ErrorOutput(zapcore.Lock(zapcore.AddSync(w)))), nil
}
