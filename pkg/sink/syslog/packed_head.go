// packed_head.go renders the start of a message from a packed batch: the
// syslog header and the payload up to its severity, kept from message to
// message while the time and the eventType stay the same.

package syslog

import (
	"strconv"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// headCache holds what the last messages started with: the syslog header
// and the payload up to its severity, which change only with the time and
// the eventType (the header also with the syslog severity).
type headCache struct {
	ok      bool
	id      uint64
	typeRef int32
	millis  int64
	et      string    // a copy of the eventType
	msgID   string    // its MSGID
	header  [2][]byte // per syslog severity (info, warning): the header; empty until needed
	payload []byte    // the payload up to its severity
	tail    []byte    // CEF: what follows the severity, "|rt=<ms>"
}

// timeOf is the event's time: its windowStart, else now (then not to be
// cached).
func (pf *packedFormatter) timeOf(p *event.Packed, v *event.View, ps *packedShape) (time.Time, bool) {
	if ps.start >= 0 {
		if t, err := time.Parse(event.TimeLayout, text(p, v, ps.start)); err == nil && !t.IsZero() {
			return t, true
		}
	}
	return pf.f.now().UTC(), false
}

// appendHead appends the syslog header and the payload up to the fields
// (LEEF: without usrName), from what the last messages kept when the time
// and the eventType are the same.
func (pf *packedFormatter) appendHead(dst []byte, p *event.Packed, v *event.View, ps *packedShape, ts time.Time, stamped bool, warn, sev int) []byte {
	typeRef := int32(-1)
	if ps.eventType >= 0 {
		typeRef = v.Values[ps.eventType].Text
	}
	h := &pf.head
	if !stamped || !h.ok || h.id != p.ID() || h.typeRef != typeRef || h.millis != ts.UnixMilli() {
		et := text(p, v, ps.eventType)
		if !h.ok || et != h.et {
			h.et, h.msgID = strings.Clone(et), headerField(et, maxMsgID)
		}
		h.ok, h.id, h.typeRef, h.millis = stamped, p.ID(), typeRef, ts.UnixMilli()
		h.header[0], h.header[1] = h.header[0][:0], h.header[1][:0]
		h.payload, h.tail = pf.appendPayloadHead(h.payload[:0], h.et, ts), h.tail[:0]
		if pf.f.format == "cef" {
			h.tail = strconv.AppendInt(append(h.tail, "|rt="...), ts.UnixMilli(), 10)
		}
	}
	if len(h.header[warn]) == 0 {
		severity := severityInfo
		if warn == 1 {
			severity = severityWarning
		}
		prival := pri(pf.f.facility, severity)
		if pf.f.protocol == "rfc3164" {
			h.header[warn] = appendRFC3164Header(h.header[warn], prival, ts, pf.f.host, pf.f.app)
		} else {
			h.header[warn] = appendRFC5424Header(h.header[warn], prival, ts, pf.f.host, pf.f.app, h.msgID)
		}
	}
	dst = append(append(dst, h.header[warn]...), h.payload...)
	if pf.f.format == "json" {
		return dst
	}
	return append(strconv.AppendInt(dst, int64(sev), 10), h.tail...)
}

// appendPayloadHead appends the payload up to its severity.
func (pf *packedFormatter) appendPayloadHead(dst []byte, et string, ts time.Time) []byte {
	switch pf.f.format {
	case "cef":
		return appendCEFHead(dst, pf.f.version, et)
	case "json":
		return dst
	}
	return appendLEEFHead(dst, pf.f.version, et, ts)
}
