// Streaming JSON encoding of a report body, one record at a time, so that a
// window of 50,000 records never exists as one tree in memory.

package sersim

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// writeReport streams the body for plan p to w. pause, when set, is
// called after every pauseEvery records, once what came before was handed
// to w.
func writeReport(w io.Writer, p *plan, ent serapi.Entitlement, pause func()) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	buf := make([]byte, 0, 1024)
	buf = append(buf, `{"applicationUsers":[`...)
	for i := 0; i < p.count; i++ {
		if i > 0 {
			buf = append(buf, ',')
		}
		g := p.record(i)
		buf = appendRecord(buf, &g)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
		if pause != nil && (i+1)%pauseEvery == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
			pause()
		}
	}
	buf = append(buf, `],"entitlement":{"annual_throughput":`...)
	buf = strconv.AppendInt(buf, ent.AnnualThroughput, 10)
	buf = append(buf, `,"license_start":`...)
	buf = appendString(buf, ent.LicenseStart)
	buf = append(buf, `,"license_end":`...)
	buf = appendString(buf, ent.LicenseEnd)
	buf = append(buf, "}}\n"...)
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}

// pauseEvery is how many records go between two pauses (Options.StreamPause).
const pauseEvery = 1000

// appendRecord appends one applicationUsers entry in the API's field order.
func appendRecord(b []byte, g *generated) []byte {
	st := &g.Status
	b = append(b, `{"applicationName":`...)
	b = appendString(b, g.ApplicationName)
	b = append(b, `,"applicationUserName":`...)
	b = appendString(b, g.ApplicationUserName)
	b = append(b, `,"fromEnvelope":`...)
	b = appendAddrs(b, g.FromEnvelope, g.bareEnvelope)
	b = append(b, `,"fromHeader":`...)
	b = appendAddrs(b, g.FromHeader, g.bareHeader)
	b = appendInts(b, `,"status":{`, []string{"success", "failure", "tempFailure", "partialSuccess",
		"inProgress", "total", "recipientsTotal"}, st.Success, st.Failure, st.TempFailure,
		st.PartialSuccess, st.InProgress, st.Total, st.RecipientsTotal)
	b = appendInts(b, `},"messageSizeTotal":{`, []string{"messageSizeTotal", "deliveredSizeTotal"},
		g.Size.MessageSizeTotal, g.Size.DeliveredSizeTotal)
	b = appendInts(b, `},"details":{`, []string{"2.X.X", "3.X.X", "4.X.X", "5.X.X"},
		g.Details.DSN2xx, g.Details.DSN3xx, g.Details.DSN4xx, g.Details.DSN5xx)
	return append(b, "}}"...)
}

// appendInts appends prefix then "key":value pairs.
func appendInts(b []byte, prefix string, keys []string, vals ...int64) []byte {
	b = append(b, prefix...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, vals[i], 10)
	}
	return b
}

// appendAddrs appends a list of strings, or its only item when bare.
func appendAddrs(b []byte, list []string, bare bool) []byte {
	if bare && len(list) == 1 {
		return appendString(b, list[0])
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	s = strings.ToValidUTF8(s, "\uFFFD")
	b = append(b, '"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
