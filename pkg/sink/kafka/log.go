// franz-go's client logs, handed to the sink's zap logger: its errors as
// warnings, the rest at debug level, so that an outage is not logged twice
// at the same level (the delivery loop reports failed Writes).

package kafka

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// zapLogger adapts a zap logger to kgo.Logger.
type zapLogger struct{ log *zap.Logger }

// Level asks franz-go for informational messages only when debug logging
// is on, else for errors.
func (z zapLogger) Level() kgo.LogLevel {
	if z.log.Core().Enabled(zapcore.DebugLevel) {
		return kgo.LogLevelInfo
	}
	return kgo.LogLevelError
}

// Log writes one message with its key-value pairs as fields.
func (z zapLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	fields := make([]zap.Field, 0, len(keyvals)/2)
	for i := 0; i+1 < len(keyvals); i += 2 {
		fields = append(fields, zap.Any(fmt.Sprint(keyvals[i]), keyvals[i+1]))
	}
	if level == kgo.LogLevelError {
		z.log.Warn("kafka client: "+msg, fields...)
		return
	}
	z.log.Debug("kafka client: "+msg, fields...)
}
