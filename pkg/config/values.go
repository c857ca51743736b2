// The value types of the config: Secret, Size, FileMode and RateLimit.

package config

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Secret is a credential. It prints as [REDACTED] everywhere (fmt, JSON,
// YAML, zap); Reveal gives the value to the one place that sends it.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer, so %#v does not leak it either.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Format implements fmt.Formatter for every verb: without it, a verb that
// does not suit strings (%d) makes fmt print the raw value in its
// "%!d(config.Secret=…)" complaint.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q' || (verb == 'v' && f.Flag('#')):
		io.WriteString(f, s.GoString())
	default:
		io.WriteString(f, s.String())
	}
}

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Size is a byte count; YAML accepts plain numbers and KiB/MiB/GiB (and
// KB/MB/GB as powers of ten).
type Size int64

// ParseSize parses "256MiB", "1 GiB", "4096".
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
	}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q (want a number of bytes, optionally with KiB, MiB or GiB)", s)
	}
	if n > 0 && mult > 1 && n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return Size(n * mult), nil
}

// String renders the size with the largest exact binary unit.
func (s Size) String() string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s != 0 && int64(s)%u.mult == 0 {
			return strconv.FormatInt(int64(s)/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(s), 10)
}

// FileMode is a file permission given in octal text ("0640").
type FileMode os.FileMode

// ParseFileMode parses an octal permission such as "0640".
func ParseFileMode(s string) (FileMode, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 8, 32)
	if err != nil || n > 0o777 {
		return 0, fmt.Errorf("invalid file mode %q (want octal such as \"0640\")", s)
	}
	return FileMode(n), nil
}

// ParseRateLimit parses "1000/1m": at most N requests in any period.
func ParseRateLimit(s string) (RateLimit, error) {
	n, p, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return RateLimit{}, fmt.Errorf("invalid rate limit %q (want N/period such as 1000/1m)", s)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count < 1 {
		return RateLimit{}, fmt.Errorf("invalid rate limit %q: count must be a positive integer", s)
	}
	period, err := time.ParseDuration(strings.TrimSpace(p))
	if err != nil || period <= 0 {
		return RateLimit{}, fmt.Errorf("invalid rate limit %q: period must be a positive duration", s)
	}
	return RateLimit{N: count, Period: period}, nil
}

// String renders the limit as "N/period".
func (r RateLimit) String() string { return strconv.Itoa(r.N) + "/" + r.Period.String() }

// String renders the mode in octal ("0640").
func (m FileMode) String() string { return fmt.Sprintf("%04o", uint32(m)) }
