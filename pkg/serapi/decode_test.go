// Tests of decoding report answers: golden files under testdata/decode/, the
// variants the API sends (a list as a string or null, counters as strings,
// …), and errors for bodies that are not a report, with field paths for bad
// records.

package serapi

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestDecodeGolden decodes every testdata/decode/*.json and compares the
// Report, as indented JSON, with its .golden file.
func TestDecodeGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/decode/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rep, err := Decode(f)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("decoded report differs from %s:\n%s", golden, got)
			}
		})
	}
}

func TestDecodeVariants(t *testing.T) {
	type check func(t *testing.T, r *Report)
	one := func(f func(t *testing.T, rec Record)) check {
		return func(t *testing.T, r *Report) {
			t.Helper()
			if r.Users.Len() != 1 {
				t.Fatalf("got %d records, want 1", r.Users.Len())
			}
			f(t, r.Users.At(0))
		}
	}
	tests := []struct {
		name  string
		body  string
		check check
	}{
		{"from as string", `{"applicationUsers":[{"fromEnvelope":"x@example.com","fromHeader":"example.com"}]}`,
			one(func(t *testing.T, rec Record) {
				eqList(t, rec.FromEnvelope, "x@example.com")
				eqList(t, rec.FromHeader, "example.com")
			})},
		{"from as list", `{"applicationUsers":[{"fromEnvelope":["a","b"],"fromHeader":[]}]}`,
			one(func(t *testing.T, rec Record) { eqList(t, rec.FromEnvelope, "a", "b"); eqList(t, rec.FromHeader) })},
		{"from null", `{"applicationUsers":[{"fromEnvelope":null}]}`,
			one(func(t *testing.T, rec Record) { eqList(t, rec.FromEnvelope) })},
		{"counters as strings", `{"applicationUsers":[{"status":{"success":"12","failure":" 3 ","total":"12.0","inProgress":""}}]}`,
			one(func(t *testing.T, rec Record) {
				if s := rec.Status; s.Success != 12 || s.Failure != 3 || s.Total != 12 || s.InProgress != 0 {
					t.Errorf("status = %+v", s)
				}
			})},
		{"integral floats and exponents", `{"applicationUsers":[{"status":{"success":7.0,"total":1e3}}]}`,
			one(func(t *testing.T, rec Record) {
				if rec.Status.Success != 7 || rec.Status.Total != 1000 {
					t.Errorf("status = %+v", rec.Status)
				}
			})},
		{"large counters exact", `{"applicationUsers":[{"messageSizeTotal":{"messageSizeTotal":9007199254740993}}]}`,
			one(func(t *testing.T, rec Record) {
				if rec.Size.MessageSizeTotal != 9007199254740993 {
					t.Errorf("size = %d", rec.Size.MessageSizeTotal)
				}
			})},
		{"missing and null blocks", `{"applicationUsers":[{"applicationName":"A","status":null,"details":null}]}`,
			one(func(t *testing.T, rec Record) {
				if rec.Status != (Status{}) || rec.Details != (Details{}) || rec.Size != (Size{}) || rec.ApplicationName != "A" {
					t.Errorf("record = %+v", rec)
				}
			})},
		{"unknown fields in order", `{"applicationUsers":[{"z":1,"applicationName":"A","limits":{"perHour": 5},"a":[1, 2],"status":{"queued":3}}]}`,
			one(func(t *testing.T, rec Record) {
				want := []string{`z=1`, `limits={"perHour":5}`, `a=[1,2]`, `status_queued=3`}
				var got []string
				for _, e := range rec.Extra {
					got = append(got, e.Name+"="+string(e.Value))
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("extra = %v, want %v", got, want)
				}
			})},
		{"details keys", `{"applicationUsers":[{"details":{"2.X.X":1,"3.x.x":2,"4.X.X":"3","5.X.X":4}}]}`,
			one(func(t *testing.T, rec Record) {
				if rec.Details != (Details{1, 2, 3, 4}) {
					t.Errorf("details = %+v", rec.Details)
				}
			})},
		{"names as numbers", `{"applicationUsers":[{"applicationName":42,"applicationUserName":null}]}`,
			one(func(t *testing.T, rec Record) {
				if rec.ApplicationName != "42" || rec.ApplicationUserName != "" {
					t.Errorf("names = %q %q", rec.ApplicationName, rec.ApplicationUserName)
				}
			})},
		{"empty list", `{"applicationUsers":[]}`, count(0)},
		{"null users", `{"applicationUsers":null}`, count(0)},
		{"missing users", `{"entitlement":{}}`, count(0)},
		{"null records skipped", `{"applicationUsers":[null,{},null]}`, count(1)},
		{"unknown top level ignored", `{"x":{"applicationUsers":5},"applicationUsers":[{}],"y":[[{}]]}`, count(1)},
		{"entitlement variants", `{"entitlement":{"annualThroughput":"10","licenseStart":"s","license_end":20270101}}`,
			func(t *testing.T, r *Report) {
				if e := r.Entitlement; e.AnnualThroughput != 10 || e.LicenseStart != "s" || e.LicenseEnd != "20270101" {
					t.Errorf("entitlement = %+v", e)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Decode(strings.NewReader(tt.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tt.check(t, rep)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantField bool   // a *FieldError rather than a structural error
		want      string // substring of the message
	}{
		{"empty", ``, false, "empty body"},
		{"html", `<html>502</html>`, false, "invalid character"},
		{"top-level list", `[{"applicationUsers":[]}]`, false, "not a JSON object"},
		{"users not a list", `{"applicationUsers":{"a":1}}`, false, "applicationUsers is not a list"},
		{"users a string", `{"applicationUsers":"none"}`, false, "applicationUsers is not a list"},
		{"truncated", `{"applicationUsers":[{"applicationName":"A"`, false, "unexpected end of JSON input"},
		{"truncated in a top-level key", `{"applicationUsers":[],"entitle`, false, "unexpected end of JSON input"},
		{"trailing garbage", `{"applicationUsers":[]} x`, false, "invalid character 'x' after top-level value"},
		{"two answers", `{} {}`, false, "after top-level value"},
		{"bad escape", `{"applicationUsers":[{"applicationName":"\q"}]}`, false, "in string escape code"},
		{"control character", "{\"applicationUsers\":[{\"applicationName\":\"a\x01\"}]}", false, "in string literal"},
		{"bad number", `{"applicationUsers":[{"status":{"success":01}}]}`, false, "invalid character"},
		{"bad literal in unknown key", `{"x":nul,"applicationUsers":[]}`, false, "in literal null"},
		{"missing colon", `{"applicationUsers" []}`, false, "after object key"},
		{"trailing comma", `{"applicationUsers":[{},]}`, false, "looking for beginning of value"},
		{"unclosed record", `{"applicationUsers":[{"a":1]}`, false, "invalid character"},
		{"long value quoted briefly", `{"applicationUsers":[{"status":{"success":"` + strings.Repeat("9x", 400) + `"}}]}`, true, `9x9x…" is not a number`},
		{"record not object", `{"applicationUsers":[{},7]}`, true, "applicationUsers[1]: want an object, got a number"},
		{"counter text", `{"applicationUsers":[{},{},{"status":{"success":"many"}}]}`, true, `applicationUsers[2].status.success: "many" is not a number`},
		{"counter fraction", `{"applicationUsers":[{"details":{"5.X.X":1.5}}]}`, true, `applicationUsers[0].details.5.X.X: "1.5" is not a whole number`},
		{"counter bool", `{"applicationUsers":[{"messageSizeTotal":{"deliveredSizeTotal":true}}]}`, true, "applicationUsers[0].messageSizeTotal.deliveredSizeTotal: want a number, got a boolean"},
		{"status a list", `{"applicationUsers":[{"status":[1]}]}`, true, "applicationUsers[0].status: want an object, got a list"},
		{"from an object", `{"applicationUsers":[{"fromHeader":{"a":1}}]}`, true, "applicationUsers[0].fromHeader: want a string or a list"},
		{"from item list", `{"applicationUsers":[{"fromEnvelope":["a",["b"]]}]}`, true, "applicationUsers[0].fromEnvelope[1]: want a string"},
		{"name an object", `{"applicationUsers":[{"applicationName":{}}]}`, true, "applicationUsers[0].applicationName: want a string"},
		{"entitlement a list", `{"entitlement":[]}`, true, "entitlement: want an object"},
		{"throughput text", `{"entitlement":{"annual_throughput":"lots"}}`, true, `entitlement.annual_throughput: "lots" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.body))
			if err == nil {
				t.Fatal("Decode succeeded, want an error")
			}
			var ferr *FieldError
			if errors.As(err, &ferr) != tt.wantField {
				t.Errorf("FieldError = %v, want %v (err %v)", !tt.wantField, tt.wantField, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func count(n int) func(t *testing.T, r *Report) {
	return func(t *testing.T, r *Report) {
		t.Helper()
		if r.Users.Len() != n {
			t.Errorf("got %d records, want %d", r.Users.Len(), n)
		}
	}
}

func eqList(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
		t.Errorf("list = %q, want %q", got, want)
	}
}
