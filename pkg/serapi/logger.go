// Adapter from the injected zap logger to retryablehttp's LeveledLogger.

package serapi

import (
	"fmt"

	"go.uber.org/zap"
)

// zapLeveled lets retryablehttp log through zap. The library logs each
// failed attempt as an error although it retries it; such lines become
// warnings here, since the client reports the final outcome itself, and
// debug lines when quiet (the one-shot policy, whose command prints the
// outcome once).
type zapLeveled struct {
	log   *zap.Logger
	quiet bool
}

func (z zapLeveled) Error(msg string, kv ...any) { z.Warn(msg, kv...) }

func (z zapLeveled) Warn(msg string, kv ...any) {
	if z.quiet {
		z.log.Debug(msg, fields(kv)...)
		return
	}
	z.log.Warn(msg, fields(kv)...)
}
func (z zapLeveled) Info(msg string, kv ...any)  { z.log.Info(msg, fields(kv)...) }
func (z zapLeveled) Debug(msg string, kv ...any) { z.log.Debug(msg, fields(kv)...) }

// fields turns alternating keys and values into zap fields.
func fields(kv []any) []zap.Field {
	fs := make([]zap.Field, 0, (len(kv)+1)/2)
	for i := 0; i < len(kv); i += 2 {
		key, ok := kv[i].(string)
		if !ok {
			key = fmt.Sprint(kv[i])
		}
		if i+1 == len(kv) {
			fs = append(fs, zap.String(key, "(missing)"))
			break
		}
		if err, ok := kv[i+1].(error); ok {
			fs = append(fs, zap.NamedError(key, err))
			continue
		}
		fs = append(fs, zap.Any(key, kv[i+1]))
	}
	return fs
}
