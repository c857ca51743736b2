// expect_e2e_test.go renders the events SPEC §4 says serfwd must deliver for
// a simulator answer, independently of pkg/event: keys in the SPEC's order,
// eventIds as SHA-256 of the SPEC's text (with the ordinal suffix for
// repeated identities), window sums added up here, JSON from encoding/json.
// The end-to-end tests compare serfwd's output with these lines.

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// specKV is one key of an expected event with its value.
type specKV struct {
	k string
	v any
}

// specJSONLine renders keys in order as one JSON object.
func specJSONLine(fields []specKV) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		v, err := json.Marshal(f.v)
		if err != nil {
			panic(err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String()
}

// specID is SPEC §4's eventId: hex SHA-256 of the parts joined by U+001F.
func specID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// list is a record's address list as SPEC §4 carries it: never null.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// expectedWindow renders the events of one fetch of window w of input: each
// record's ser.applicationUser event in answer order, then the ser.window
// event, all at revision 0.
func expectedWindow(input string, w serapi.Window, rep *serapi.Report) []string {
	start, end := specTime(w.Start), specTime(w.End)
	ent := []specKV{{"licenseStart", rep.Entitlement.LicenseStart}, {"licenseEnd", rep.Entitlement.LicenseEnd},
		{"annualThroughput", rep.Entitlement.AnnualThroughput}}
	var lines []string
	var sums [13]int64
	seen := map[string]int{}
	n := 0
	for _, r := range rep.Users.All() {
		n++
		idText := []string{input, start, r.ApplicationName, r.ApplicationUserName,
			strings.Join(r.FromEnvelope, ","), strings.Join(r.FromHeader, ",")}
		key := strings.Join(idText[2:], "\x1f")
		if seen[key]++; seen[key] > 1 {
			idText = append(idText, strconv.Itoa(seen[key]))
		}
		c := counts(r)
		for i := range sums {
			sums[i] += c[i]
		}
		fields := []specKV{{"eventType", "ser.applicationUser"}, {"eventId", specID(idText...)}, {"revision", 0},
			{"input", input}, {"windowStart", start}, {"windowEnd", end},
			{"applicationName", r.ApplicationName}, {"applicationUserName", r.ApplicationUserName},
			{"fromEnvelope", list(r.FromEnvelope)}, {"fromHeader", list(r.FromHeader)}}
		lines = append(lines, specJSONLine(append(append(fields, counterFields(c)...), ent...)))
	}
	fields := []specKV{{"eventType", "ser.window"}, {"eventId", specID(input, start, "ser.window")}, {"revision", 0},
		{"input", input}, {"windowStart", start}, {"windowEnd", end}, {"records", n}}
	return append(lines, specJSONLine(append(append(fields, counterFields(sums)...), ent...)))
}

// specTime is SPEC §4's time format.
func specTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// counts are a record's counters in SPEC §4's order.
func counts(r *serapi.Record) [13]int64 {
	s, z, d := r.Status, r.Size, r.Details
	return [13]int64{s.Success, s.Failure, s.TempFailure, s.PartialSuccess, s.InProgress, s.Total, s.RecipientsTotal,
		z.MessageSizeTotal, z.DeliveredSizeTotal, d.DSN2xx, d.DSN3xx, d.DSN4xx, d.DSN5xx}
}

var counterNames = strings.Fields(`success failure tempFailure partialSuccess inProgress total recipientsTotal
	messageSizeTotal deliveredSizeTotal dsn2xx dsn3xx dsn4xx dsn5xx`)

func counterFields(c [13]int64) []specKV {
	out := make([]specKV, len(c))
	for i, v := range c {
		out[i] = specKV{counterNames[i], v}
	}
	return out
}
