// The answer decoders against what the Collector's plogotlp and genproto's
// rpc status write: every partial success and status message reads back as
// written, in protobuf and in JSON; what is not such a message is an error.

package otlp

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func FuzzResponseDecoding(f *testing.F) {
	f.Add(int64(0), "")
	f.Add(int64(3), "3 records had no body")
	f.Add(int64(-1), "négatif \x00 \u2028")
	f.Add(int64(1)<<62, `"quoted" {json}`)
	f.Fuzz(func(t *testing.T, rejected int64, message string) {
		r := plogotlp.NewExportResponse()
		r.PartialSuccess().SetRejectedLogRecords(rejected)
		r.PartialSuccess().SetErrorMessage(message)
		pb, err := r.MarshalProto()
		if err != nil {
			t.Fatal(err)
		}
		js, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		for form, decode := range map[string]func() (partialSuccess, error){
			"protobuf": func() (partialSuccess, error) { return decodeResponseProto(pb) },
			"json":     func() (partialSuccess, error) { return decodeResponseJSON(js) },
		} {
			got, err := decode()
			if err != nil {
				t.Fatalf("%s: %v", form, err)
			}
			// JSON carries strings as UTF-8: invalid bytes come back replaced.
			if got.rejected != rejected || (form == "protobuf" && got.message != message) {
				t.Fatalf("%s: got %d %q, want %d %q", form, got.rejected, got.message, rejected, message)
			}
		}
		st := &spb.Status{Code: 3, Message: message}
		pbst, _ := proto.Marshal(st)
		if got, err := decodeStatusProto(pbst); err != nil || got != message {
			t.Fatalf("status: got %q (%v), want %q", got, err, message)
		}
		if jsst, err := protojson.Marshal(st); err == nil {
			if got, err := decodeStatusJSON(jsst); err != nil || (got == "") != (message == "") {
				t.Fatalf("status JSON %s: got %q (%v)", jsst, got, err)
			}
		}
	})
}

func TestResponseDecodingRefusesWhatIsNotAMessage(t *testing.T) {
	for _, b := range [][]byte{{0x0a, 0x05, 0x08}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if _, err := decodeResponseProto(b); err == nil {
			t.Errorf("% x decoded as a response", b)
		}
	}
	if ps, err := decodeResponseJSON([]byte(`{"partialSuccess":{"rejectedLogRecords":"12","errorMessage":"m"}}`)); err != nil || ps.rejected != 12 {
		t.Errorf("an int64 written as a string: %+v, %v", ps, err)
	}
	if _, err := decodeResponseJSON([]byte(`{"partialSuccess":{"rejectedLogRecords":"many"}}`)); err == nil {
		t.Error("rejectedLogRecords \"many\" decoded")
	}
}
