package syslog

// cef.go renders the CEF payload (SPEC §5):
//
//	CEF:0|Proofpoint|SER|<version>|<eventType>|<title>|<severity>|<extension>
//
// Severity is 3 normally and 6 when the event's failure > 0. The header
// escapes '\' and '|' as "\\" and "\|"; extension values escape '\', '=', LF
// and CR as "\\", "\=", "\n" and "\r"; other control characters are removed
// and invalid UTF-8 becomes U+FFFD. The extension starts with rt (windowStart,
// epoch ms) and then carries every key of the event in order, mapped as in
// cefMapping; every other key keeps its own name (characters outside
// [A-Za-z0-9_.] become '_', and a name that clashes with a mapped CEF key
// gets the prefix "ser_"), so every SPEC §4 key stays reachable.

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
)

// CEF severities.
const (
	cefSeverityNormal  = 3
	cefSeverityFailure = 6
)

// cefTarget is where one event key goes in the CEF extension.
type cefTarget struct {
	key    string // CEF key
	label  string // for csN/cnN: the value of csNLabel/cnNLabel
	millis bool   // the value is a timestamp sent as epoch ms
}

// cefMapping maps SPEC §4 keys to CEF dictionary keys or custom fields.
var cefMapping = map[string]cefTarget{
	event.KeyEventID:      {key: "externalId"},
	event.KeyEventType:    {key: "cat"},
	event.KeyWindowStart:  {key: "start", millis: true},
	event.KeyWindowEnd:    {key: "end", millis: true},
	"applicationName":     {key: "app"},
	"applicationUserName": {key: "suser"},
	event.KeyInput:        {key: "cs1", label: "input"},
	"fromEnvelope":        {key: "cs2", label: "fromEnvelope"},
	"fromHeader":          {key: "cs3", label: "fromHeader"},
	"licenseStart":        {key: "cs4", label: "licenseStart"},
	"licenseEnd":          {key: "cs5", label: "licenseEnd"},
	event.KeyRevision:     {key: "cs6", label: "revision"},
	"success":             {key: "cn1", label: "success"},
	event.KeyFailure:      {key: "cn2", label: "failure"},
	"tempFailure":         {key: "cn3", label: "tempFailure"},
	"messageSizeTotal":    {key: "in"},
	"deliveredSizeTotal":  {key: "out"},
	"total":               {key: "cnt"},
}

// cefReserved holds every CEF key the mapping (or rt) can produce.
var cefReserved = func() map[string]bool {
	m := map[string]bool{"rt": true}
	for _, t := range cefMapping {
		m[t.key] = true
		if t.label != "" {
			m[t.key+"Label"] = true
		}
	}
	return m
}()

// cefTitle is the CEF Name for an eventType.
func cefTitle(eventType string) string {
	switch eventType {
	case event.TypeApplicationUser:
		return "SER application user summary"
	case event.TypeWindow:
		return "SER window summary"
	}
	return eventType
}

// appendCEF appends the CEF payload of e without the keys in drop.
func appendCEF(dst []byte, e *event.Event, version string, ts time.Time, failed bool, drop dropSet) []byte {
	et := e.Type()
	sev := cefSeverityNormal
	if failed {
		sev = cefSeverityFailure
	}
	dst = append(dst, "CEF:0|Proofpoint|SER|"...)
	for _, h := range [...]string{version, et, cefTitle(et)} {
		dst = appendCEFHeaderField(dst, h)
		dst = append(dst, '|')
	}
	dst = strconv.AppendInt(dst, int64(sev), 10)
	dst = append(dst, "|rt="...)
	dst = strconv.AppendInt(dst, ts.UnixMilli(), 10)
	for i := range e.Fields {
		f := &e.Fields[i]
		if !drop.has(f.Key) {
			dst = appendCEFField(dst, f)
		}
	}
	return dst
}

// appendCEFField appends " key=value" (with its label first for csN/cnN).
func appendCEFField(dst []byte, f *event.Field) []byte {
	t, ok := cefMapping[f.Key]
	if !ok {
		dst = append(dst, ' ')
		dst = appendCEFCustomKey(dst, f.Key)
		dst = append(dst, '=')
		return appendCEFValue(dst, f)
	}
	if t.label != "" {
		dst = append(dst, ' ')
		dst = append(dst, t.key...)
		dst = append(dst, "Label="...)
		dst = append(dst, t.label...)
	}
	dst = append(dst, ' ')
	dst = append(dst, t.key...)
	dst = append(dst, '=')
	if t.millis && f.Kind == event.String {
		if ts, err := time.Parse(event.TimeLayout, f.Str); err == nil {
			return strconv.AppendInt(dst, ts.UnixMilli(), 10)
		}
	}
	return appendCEFValue(dst, f)
}

// appendCEFCustomKey appends a key that is not in cefMapping.
func appendCEFCustomKey(dst []byte, key string) []byte {
	n := len(dst)
	for _, r := range key { // one '_' per character that is not allowed
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			r = '_'
		}
		dst = append(dst, byte(r))
	}
	if len(dst) == n {
		return append(dst, '_')
	}
	if k := string(dst[n:]); cefReserved[k] {
		dst = append(dst[:n], "ser_"...)
		dst = append(dst, k...)
	}
	return dst
}

func appendCEFValue(dst []byte, f *event.Field) []byte {
	return appendFieldValue(dst, f, appendCEFEscaped)
}

// appendCEFHeaderField appends s with '\' and '|' escaped.
func appendCEFHeaderField(dst []byte, s string) []byte { return appendCEFEscaped(dst, s, true) }

// appendCEFEscaped escapes s for a header field or an extension value.
func appendCEFEscaped(dst []byte, s string, header bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case header && c == '|':
			dst = append(dst, '\\', '|')
		case !header && c == '=':
			dst = append(dst, '\\', '=')
		case !header && c == '\n':
			dst = append(dst, '\\', 'n')
		case !header && c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20 || c == 0x7f:
			// other control characters are dropped
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
