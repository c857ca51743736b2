// message.go assembles one syslog message (header + payload) per event,
// keeps it within max_message_bytes, and frames it for the wire.
//
// A message longer than the limit (the whole message including its header,
// excluding framing) is never cut silently. First optional keys are dropped
// until it fits, in this order: the extras (keys that SPEC §4 does not list,
// i.e. unknown record fields) from the last to the first, then fromHeader,
// then fromEnvelope. The size each key takes is measured once, so shortening
// costs two renderings however many keys an event has. If it still does not
// fit, the message is cut at the limit on a UTF-8 boundary (for CEF never
// inside an escape sequence). Either way the message is counted in the
// Truncated metric and a warning names the eventId. A truncated JSON payload
// is not valid JSON any more; the receiver sees that it was cut.

package syslog

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
)

// maxLoggedDrops is how many dropped keys a shortening reports by name.
const maxLoggedDrops = 16

// formatter renders messages for one sink. It keeps buffers between
// messages; it is not safe for concurrent use.
type formatter struct {
	protocol string
	format   string
	facility int
	host     string // sanitized HOSTNAME
	app      string // sanitized APP-NAME (RFC 5424) or TAG (RFC 3164)
	version  string
	maxBytes int
	now      func() time.Time // event time when windowStart is missing

	lastType, lastMsgID string    // the MSGID of the last eventType seen
	namer               *keyNamer // LEEF and CEF: the payload name of each key
	drop                []bool    // per field: left out of the message
	scratch             []byte
	kept                event.Event // JSON: the fields not dropped
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
	switch o.format {
	case "cef":
		f.namer = newCEFNamer()
	case "json":
	default:
		f.namer = newLEEFNamer()
	}
	return f
}

// shortening says how a message was made to fit.
type shortening struct {
	original  int      // size before shortening
	dropped   []string // keys left out (the first maxLoggedDrops)
	drops     int      // how many keys were left out
	truncated bool     // cut at the limit
}

// appendMessage appends e's message, shortened to the limit if need be; the
// bool reports whether it was.
func (f *formatter) appendMessage(dst []byte, e *event.Event) ([]byte, shortening, bool) {
	if f.namer != nil {
		f.namer.name(e)
	}
	start := len(dst)
	dst = f.render(dst, e, nil)
	size := len(dst) - start
	if size <= f.maxBytes {
		return dst, shortening{}, false
	}
	sh := shortening{original: size}
	f.drop = append(f.drop[:0], make([]bool, len(e.Fields))...)
	for _, i := range optionalFields(e) {
		if size <= f.maxBytes {
			break
		}
		f.drop[i] = true
		size -= f.fieldSize(e, i)
		if sh.drops++; sh.drops <= maxLoggedDrops {
			sh.dropped = append(sh.dropped, e.Fields[i].Key)
		}
	}
	if sh.drops > 0 {
		dst = f.render(dst[:start], e, f.drop)
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

// fieldSize is how many bytes field i takes in the payload: the segment that
// leaving it out removes.
func (f *formatter) fieldSize(e *event.Event, i int) int {
	fl := &e.Fields[i]
	switch f.format {
	case "cef":
		f.scratch = appendCEFField(f.scratch[:0], fl, f.namer.names[i], f.namer.spec[i])
		return len(f.scratch)
	case "json":
		one := event.Event{Fields: e.Fields[i : i+1]}
		f.scratch = one.AppendJSON(f.scratch[:0])
		return len(f.scratch) - 1 // without the braces, with a comma
	default:
		f.scratch = appendLEEFValue(f.scratch[:0], fl)
		return 2 + len(f.namer.names[i]) + len(f.scratch)
	}
}

// render appends the message without any size limit, leaving out the fields
// that drop marks (nil: none).
func (f *formatter) render(dst []byte, e *event.Event, drop []bool) []byte {
	ts := e.WindowStart()
	if ts.IsZero() {
		ts = f.now().UTC()
	}
	sev := severityInfo
	if e.IntValue(event.KeyFailure) > 0 {
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
		return appendCEF(dst, e, f.namer, f.version, ts, drop)
	case "json":
		if drop == nil {
			return e.AppendJSON(dst)
		}
		f.kept.Fields = f.kept.Fields[:0]
		for i, fl := range e.Fields {
			if !drop[i] {
				f.kept.Fields = append(f.kept.Fields, fl)
			}
		}
		return f.kept.AppendJSON(dst)
	default:
		return appendLEEF(dst, e, f.namer, f.version, ts, drop)
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

// optionalFields lists the indexes of e's droppable fields in the order
// they are dropped.
func optionalFields(e *event.Event) []int {
	var idx []int
	for i := len(e.Fields) - 1; i >= 0; i-- {
		if specIndex(e.Fields[i].Key) < 0 {
			idx = append(idx, i)
		}
	}
	for _, k := range [...]string{"fromHeader", "fromEnvelope"} {
		for i := range e.Fields {
			if e.Fields[i].Key == k {
				idx = append(idx, i)
				break
			}
		}
	}
	return idx
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
