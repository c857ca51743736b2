// cef.go renders the CEF payload (SPEC §5):
//
//	CEF:0|Proofpoint|SER|<version>|<eventType>|<title>|<severity>|<extension>
//
// Severity is the failure severity that LEEF carries as sev (severity.go),
// 1–10. The header escapes '\' and '|' as "\\" and "\|"; extension values
// escape '\', '=', LF and CR as "\\", "\=", "\n" and "\r"; other control
// characters are removed and invalid UTF-8 becomes U+FFFD. The extension
// starts with rt (windowStart, epoch ms) and then carries every key of the
// event in order: SPEC §4 keys as cefMapping says (dictionary keys, or
// custom fields preceded by their label), every other key under the name
// keys.go gives it, so no key appears twice and none takes a mapped key.

package syslog

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
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

// cefTargets holds, per specKeyList index, where that key goes (nil: under
// its own name).
var cefTargets = func() (t [len(specKeyList)]*cefTarget) {
	for k, target := range cefMapping {
		t[specIndex(k)] = &target
	}
	return t
}()

// cefReservedNames holds every CEF key the mapping (or rt) can produce.
var cefReservedNames = func() map[string]bool {
	m := map[string]bool{"rt": true}
	for _, t := range cefMapping {
		m[t.key] = true
		if t.label != "" {
			m[t.key+"Label"] = true
		}
	}
	return m
}()

// cefReserved reports the names no other key may take: the mapping's, the
// CEF extension dictionary's (reserved.go) and SPEC §4's (a label names a
// §4 key, so a custom key of that name would read as a second one).
func cefReserved(name string) bool {
	return cefReservedNames[name] || cefDictionary[name] || specIndex(name) >= 0
}

func cefSpecName(i int8) string {
	if t := cefTargets[i]; t != nil {
		return t.key
	}
	return specKeyList[i]
}

func newCEFNamer() *keyNamer { return &keyNamer{reserved: cefReserved, specName: cefSpecName} }

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

// appendCEF appends the CEF payload of e, whose fields n has named, without
// the fields that drop marks.
func appendCEF(dst []byte, e *event.Event, n *keyNamer, version string, ts time.Time, drop []bool) []byte {
	et := e.Type()
	dst = appendCEFHead(dst, version, et)
	dst = strconv.AppendInt(dst, int64(failureSeverity(e)), 10)
	dst = append(dst, "|rt="...)
	dst = strconv.AppendInt(dst, ts.UnixMilli(), 10)
	for i := range e.Fields {
		if drop == nil || !drop[i] {
			dst = appendCEFField(dst, &e.Fields[i], n.names[i], n.spec[i])
		}
	}
	return dst
}

// appendCEFHead appends the CEF header up to the severity.
func appendCEFHead(dst []byte, version, et string) []byte {
	dst = append(dst, "CEF:0|Proofpoint|SER|"...)
	for _, h := range [...]string{version, et, cefTitle(et)} {
		dst = appendCEFHeaderField(dst, h)
		dst = append(dst, '|')
	}
	return dst
}

// appendCEFField appends " name=value", with the label first for a §4 key
// mapped to a custom field.
func appendCEFField(dst []byte, f *event.Field, name string, spec int8) []byte {
	dst = appendCEFKey(dst, name, spec)
	if t := cefTargetOf(spec); t != nil && t.millis && f.Kind == event.String {
		if ts, err := time.Parse(event.TimeLayout, f.Str); err == nil {
			return strconv.AppendInt(dst, ts.UnixMilli(), 10)
		}
	}
	return appendCEFValue(dst, f)
}

// cefTargetOf is where the §4 key of specKeyList index spec goes; nil for
// an extra (spec < 0) or a key sent under its own name.
func cefTargetOf(spec int8) *cefTarget {
	if spec < 0 {
		return nil
	}
	return cefTargets[spec]
}

// appendCEFKey appends " name=", after " nameLabel=label" for a §4 key
// mapped to a custom field.
func appendCEFKey(dst []byte, name string, spec int8) []byte {
	if t := cefTargetOf(spec); t != nil && t.label != "" {
		dst = append(dst, ' ')
		dst = append(dst, name...)
		dst = append(dst, "Label="...)
		dst = append(dst, t.label...)
	}
	dst = append(dst, ' ')
	dst = append(dst, name...)
	return append(dst, '=')
}

func appendCEFValue(dst []byte, f *event.Field) []byte {
	return appendFieldValue(dst, f, appendCEFValueText)
}

// appendCEFValueText appends s escaped for an extension value.
func appendCEFValueText(dst []byte, s string) []byte { return appendCEFEscaped(dst, s, false) }

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
