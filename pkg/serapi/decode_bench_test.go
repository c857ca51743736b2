// decode_bench_test.go measures the decoder on the simulator's body and on
// a body that uses every tolerance of SPEC §1; run with
// `go test -bench Decode -benchmem ./pkg/serapi/`. No test asserts a timing.
package serapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// simBody is the simulator's answer for one window of n records.
func simBody(b *testing.B, n int) []byte {
	b.Helper()
	sim := sersim.New(sersim.Options{RecordsPerWindow: n})
	rec := httptest.NewRecorder()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"k"}, "client_secret": {"s"}}
	req := httptest.NewRequest(http.MethodPost, sersim.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sim.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	q := "?startTimeStamp=" + serapi.FormatTime(start) + "&endTimeStamp=" + serapi.FormatTime(start.Add(time.Hour))
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, sersim.ReportPath+q, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	sim.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("simulator: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// counter is a Handler that only counts.
type counter struct{ records, fields int }

func (c *counter) Record(r *serapi.RawRecord) error {
	c.records++
	c.fields += len(r.Extra) + len(r.FromEnvelope)
	return nil
}

func (c *counter) Entitlement(serapi.Entitlement) error { return nil }

func BenchmarkDecodeStream(b *testing.B) {
	const n = 10_000
	for _, body := range []struct {
		name string
		data []byte
	}{{"simulator", simBody(b, n)}, {"tolerant", serapi.TolerantBody(n)}} {
		b.Run(body.name, func(b *testing.B) {
			b.SetBytes(int64(len(body.data)))
			perRecord(b, n, func() {
				var c counter
				if err := serapi.DecodeStream(bytes.NewReader(body.data), &c); err != nil || c.records != n {
					b.Fatalf("DecodeStream: %d records, %v", c.records, err)
				}
			})
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	const n = 10_000
	body := serapi.TolerantBody(n)
	b.SetBytes(int64(len(body)))
	perRecord(b, n, func() {
		rep, err := serapi.Decode(bytes.NewReader(body))
		if err != nil || rep.Users.Len() != n {
			b.Fatalf("Decode: %v", err)
		}
	})
}

// perRecord runs op (which handles n records) b.N times and reports
// records/s and heap allocations per record.
func perRecord(b *testing.B, n int, op func()) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		op()
	}
	runtime.ReadMemStats(&after)
	records := float64(n) * float64(b.N)
	b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/records, "allocs/record")
}
