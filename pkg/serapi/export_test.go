// export_test.go shares test fixtures with the external test package.

package serapi

import (
	"bytes"
	"fmt"
)

// TolerantBody is tolerantBody for the benchmarks of package serapi_test.
var TolerantBody = tolerantBody

// tolerantBody is an answer of n records that uses SPEC §1's tolerance:
// numbers as strings, addresses as a string or a list, unknown fields
// (scalar and nested) in records and blocks, the entitlement block last.
func tolerantBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"applicationUsers":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"applicationName":"App %d","applicationUserName":"user-%d",`+
			`"fromEnvelope":["bounces-%d@example.com","noreply@example.com"],"fromHeader":"example.com",`+
			`"status":{"success":"%d","failure":3,"tempFailure":"2","partialSuccess":0,"inProgress":" 1 ","total":1206,"recipientsTotal":1450,"queued":4},`+
			`"messageSizeTotal":{"messageSizeTotal":"48213311","deliveredSizeTotal":48100222},`+
			`"details":{"2.X.X":1200,"3.X.X":0,"4.X.X":"2","5.X.X":3},"region":"eu","limits":{"perHour":500,"burst":true}}`, i%50, i, i, i)
	}
	b.WriteString(`],"entitlement":{"annual_throughput":"1099511627776","license_start":"2026-01-01T00:00:00.000Z","license_end":"2027-01-01T00:00:00.000Z"}}`)
	return b.Bytes()
}
