package syslog

// message.go assembles one syslog message (header + payload) per event,
// keeps it within max_message_bytes, and frames it for the wire.
//
// A message longer than the limit (the whole message including its header,
// excluding framing) is never cut silently. First optional keys are dropped,
// one at a time, until it fits: the extras (keys that SPEC §4 does not list,
// i.e. unknown record fields) from the last to the first, then fromHeader,
// then fromEnvelope. If it still does not fit, the message is cut at the
// limit on a UTF-8 boundary (for CEF never inside an escape sequence). Either
// way the message is counted in the Truncated metric and a warning names the
// eventId. A truncated JSON payload is not valid JSON any more; the receiver
// sees that it was cut.

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
)

// specKeys are the keys SPEC §4 defines; every other key is an extra.
var specKeys = map[string]bool{
	"eventType": true, "eventId": true, "revision": true, "input": true,
	"windowStart": true, "windowEnd": true, "applicationName": true,
	"applicationUserName": true, "fromEnvelope": true, "fromHeader": true,
	"success": true, "failure": true, "tempFailure": true, "partialSuccess": true,
	"inProgress": true, "total": true, "recipientsTotal": true,
	"messageSizeTotal": true, "deliveredSizeTotal": true,
	"dsn2xx": true, "dsn3xx": true, "dsn4xx": true, "dsn5xx": true,
	"licenseStart": true, "licenseEnd": true, "annualThroughput": true,
	"records": true,
}

// dropSet lists keys left out of a message.
type dropSet []string

func (d dropSet) has(key string) bool {
	for _, k := range d {
		if k == key {
			return true
		}
	}
	return false
}

// formatter renders messages for one sink.
type formatter struct {
	protocol string
	format   string
	facility int
	host     string // sanitized HOSTNAME
	app      string // sanitized APP-NAME (RFC 5424) or TAG (RFC 3164)
	version  string
	maxBytes int
	now      func() time.Time // event time when windowStart is missing

	lastType, lastMsgID string // the MSGID of the last eventType seen
}

func newFormatter(o options, version string) *formatter {
	f := &formatter{
		protocol: o.protocol, format: o.format, facility: o.facility,
		host: headerField(o.hostname, maxHostname), version: version,
		maxBytes: o.maxBytes, now: time.Now,
	}
	if f.version == "" {
		f.version = "unknown"
	}
	if o.protocol == "rfc3164" {
		f.app = tagField(o.appName)
	} else {
		f.app = headerField(o.appName, maxAppName)
	}
	return f
}

// shortening says how a message was made to fit.
type shortening struct {
	original  int      // size before shortening
	dropped   []string // keys left out
	truncated bool     // cut at the limit
}

// appendMessage appends e's message, shortened to the limit if need be; the
// bool reports whether it was.
func (f *formatter) appendMessage(dst []byte, e *event.Event) ([]byte, shortening, bool) {
	start := len(dst)
	dst = f.render(dst, e, nil)
	size := len(dst) - start
	if size <= f.maxBytes {
		return dst, shortening{}, false
	}
	sh := shortening{original: size}
	optional := optionalKeys(e)
	for i := range optional {
		sh.dropped = optional[:i+1]
		dst = f.render(dst[:start], e, sh.dropped)
		if len(dst)-start <= f.maxBytes {
			return dst, sh, true
		}
	}
	cut := utf8Cut(dst[start:], f.maxBytes)
	if f.format == "cef" {
		cut = cefCut(dst[start:start+cut], cut)
	}
	sh.truncated = true
	return dst[:start+cut], sh, true
}

// render appends the message without any size limit.
func (f *formatter) render(dst []byte, e *event.Event, drop dropSet) []byte {
	ts := e.WindowStart()
	if ts.IsZero() {
		ts = f.now().UTC()
	}
	failed := e.IntValue(event.KeyFailure) > 0
	sev := severityInfo
	if failed {
		sev = severityWarning
	}
	prival := pri(f.facility, sev)
	if f.protocol == "rfc3164" {
		dst = appendRFC3164Header(dst, prival, ts, f.host, f.app)
	} else {
		dst = appendRFC5424Header(dst, prival, ts, f.host, f.app, f.msgID(e.Type()))
	}
	switch f.format {
	case "cef":
		return appendCEF(dst, e, f.version, ts, failed, drop)
	case "json":
		if len(drop) == 0 {
			return e.AppendJSON(dst)
		}
		kept := event.Event{Fields: make([]event.Field, 0, len(e.Fields))}
		for _, fl := range e.Fields {
			if !drop.has(fl.Key) {
				kept.Fields = append(kept.Fields, fl)
			}
		}
		return kept.AppendJSON(dst)
	default:
		return appendLEEF(dst, e, f.version, ts, drop)
	}
}

// msgID is the sanitized MSGID for an eventType, cached for the common case
// of a batch of one type.
func (f *formatter) msgID(eventType string) string {
	if eventType != f.lastType || f.lastMsgID == "" {
		f.lastType, f.lastMsgID = eventType, headerField(eventType, maxMsgID)
	}
	return f.lastMsgID
}

// optionalKeys lists e's droppable keys in the order they are dropped.
func optionalKeys(e *event.Event) []string {
	var keys []string
	for i := len(e.Fields) - 1; i >= 0; i-- {
		if !specKeys[e.Fields[i].Key] {
			keys = append(keys, e.Fields[i].Key)
		}
	}
	for _, k := range [...]string{"fromHeader", "fromEnvelope"} {
		if _, ok := e.Get(k); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// utf8Cut returns the largest n ≤ max such that b[:n] does not end inside
// a UTF-8 sequence.
func utf8Cut(b []byte, max int) int {
	if len(b) <= max {
		return len(b)
	}
	n := max
	for n > 0 && n > max-utf8.UTFMax && !utf8.RuneStart(b[n]) {
		n--
	}
	return n
}

// cefCut shortens a cut CEF message by one byte when it ends in an unpaired
// backslash, so that no escape sequence is left half.
func cefCut(b []byte, n int) int {
	k := 0
	for k < len(b) && b[len(b)-1-k] == '\\' {
		k++
	}
	if k%2 == 1 {
		return n - 1
	}
	return n
}

// appendFrame appends msg framed for a stream: "LEN SP MSG" or "MSG LF". With
// LF framing an LF inside msg (the encoders never produce one) becomes a space.
func appendFrame(dst, msg []byte, framing string) []byte {
	if framing == "newline" {
		start := len(dst)
		dst = append(dst, msg...)
		if bytes.IndexByte(msg, '\n') >= 0 {
			for i := start; i < len(dst); i++ {
				if dst[i] == '\n' {
					dst[i] = ' '
				}
			}
		}
		return append(dst, '\n')
	}
	dst = strconv.AppendInt(dst, int64(len(msg)), 10)
	dst = append(dst, ' ')
	return append(dst, msg...)
}
