package serapi

import (
	"bytes"
	"fmt"
	"testing"
)

// benchBody builds an answer of n records in the reference shape, with one
// unknown field per record.
func benchBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"applicationUsers":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"applicationName":"App %d","applicationUserName":"user-%d",`+
			`"fromEnvelope":["bounces-%d@example.com"],"fromHeader":"example.com",`+
			`"status":{"success":%d,"failure":3,"tempFailure":"2","partialSuccess":0,"inProgress":1,"total":1206,"recipientsTotal":1450},`+
			`"messageSizeTotal":{"messageSizeTotal":48213311,"deliveredSizeTotal":48100222},`+
			`"details":{"2.X.X":1200,"3.X.X":0,"4.X.X":2,"5.X.X":3},"region":"eu"}`, i%50, i, i, i)
	}
	b.WriteString(`],"entitlement":{"annual_throughput":1099511627776,"license_start":"2026-01-01T00:00:00.000Z","license_end":"2027-01-01T00:00:00.000Z"}}`)
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprint(n, "records"), func(b *testing.B) {
			body := benchBody(n)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				rep, err := Decode(bytes.NewReader(body))
				if err != nil || rep.Users.Len() != n {
					b.Fatalf("Decode: %v", err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
