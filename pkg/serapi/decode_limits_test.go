// Tests of the decoder's limits (SPEC §1) at and just past each one, with
// errors naming the limit and where it was met; of decoding from readers that
// hand out one byte at a time or fail half-way; and of endless values and
// numbers cut by a read.

package serapi

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"

	"github.com/serfwd/serfwd/pkg/redact"
)

// nested returns n levels of lists around a 1.
func nested(n int) string { return strings.Repeat("[", n) + "1" + strings.Repeat("]", n) }

// TestDecodeLimits checks SPEC §1's limits at and just past each one, in
// records, in the entitlement block and in unknown top-level keys: past a
// limit the error names it and where it was met.
func TestDecodeLimits(t *testing.T) {
	long := strings.Repeat("a", MaxStringBytes)
	// A record is level 3 (answer, list, record); its unknown field's
	// value starts at level 4.
	tests := []struct {
		name     string
		body     string
		want     error  // nil: accepted
		wantPath string // of the *FieldError
	}{
		{"string at the limit", `{"applicationUsers":[{"applicationName":"` + long + `"}]}`, nil, ""},
		{"string past the limit", `{"applicationUsers":[{"applicationName":"` + long + `b"}]}`, ErrStringTooLong, "applicationUsers[0]"},
		{"escaped string past the limit", `{"applicationUsers":[{"x":"` + strings.Repeat(`\n`, MaxStringBytes/2) + `b"}]}`, ErrStringTooLong, "applicationUsers[0]"},
		{"number past the limit", `{"applicationUsers":[{"x":` + strings.Repeat("1", MaxStringBytes+1) + `}]}`, ErrStringTooLong, "applicationUsers[0]"},
		{"endless string in an unknown key", `{"debug":"` + strings.Repeat("z", 3*MaxStringBytes) + `"}`, ErrStringTooLong, "debug"},
		{"endless key", `{"` + strings.Repeat("k", 2*MaxStringBytes) + `":1}`, ErrStringTooLong, "(top level)"},
		{"nesting at the limit in a record", `{"applicationUsers":[{"x":` + nested(MaxDepth-3) + `}]}`, nil, ""},
		{"nesting past the limit in a record", `{"applicationUsers":[{"x":` + nested(MaxDepth-2) + `}]}`, ErrTooDeep, "applicationUsers[0]"},
		{"nesting at the limit in an unknown key", `{"x":` + nested(MaxDepth-1) + `}`, nil, ""},
		{"nesting past the limit in an unknown key", `{"x":` + nested(MaxDepth) + `}`, ErrTooDeep, "x"},
		{"long key with a newline, nesting past the limit", `{"\n` + strings.Repeat("k", 60000) + `":` + nested(MaxDepth) + `}`, ErrTooDeep, "." + strings.Repeat("k", 255) + "…"},
		{"long key with a newline, endless string", `{"\n` + strings.Repeat("k", 60000) + `":"` + strings.Repeat("z", 3*MaxStringBytes) + `"}`, ErrStringTooLong, "." + strings.Repeat("k", 255) + "…"},
		{"nesting past the limit in the entitlement", `{"entitlement":{"x":` + nested(MaxDepth-1) + `}}`, ErrTooDeep, "entitlement"},
		{"record past the limit", `{"applicationUsers":[{"x":[` + strings.Repeat(`"`+strings.Repeat("r", 1000)+`",`, MaxRecordBytes/1000) + `1]}]}`, ErrRecordTooLarge, "applicationUsers[0]"},
		{"unknown key of any size", `{"x":[` + strings.Repeat(`"`+strings.Repeat("r", 1000)+`",`, 3*MaxRecordBytes/1000) + `1],"applicationUsers":[{}]}`, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Decode(strings.NewReader(tt.body))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if rep == nil {
					t.Fatal("no report")
				}
				return
			}
			var ferr *FieldError
			if !errors.Is(err, tt.want) || !errors.As(err, &ferr) || ferr.Path != tt.wantPath {
				t.Fatalf("error %v, want %v at %s", err, tt.want, tt.wantPath)
			}
			if msg := err.Error(); len(msg) > redact.MaxQuote+100 || strings.ContainsFunc(msg, unicode.IsControl) {
				t.Fatalf("error message of %d bytes: %.400q", len(msg), msg)
			}
		})
	}
}

// TestDecodeStreamsFromAnyReader decodes bodies through readers that hand
// out one byte at a time, or fail half-way, and gets the same report as
// from memory (or the reader's error).
func TestDecodeStreamsFromAnyReader(t *testing.T) {
	body := string(tolerantBody(300))
	want, err := Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(iotest.OneByteReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, want), mustJSON(t, got); a != b {
		t.Fatal("one byte at a time decodes another report")
	}
	got, err = Decode(iotest.DataErrReader(strings.NewReader(body)))
	if err != nil || mustJSON(t, got) != mustJSON(t, want) {
		t.Fatalf("data with io.EOF: %v", err)
	}
	boom := errors.New("connection reset")
	_, err = Decode(io.MultiReader(strings.NewReader(body[:len(body)/2]), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Fatalf("a failing reader gives %v, want its error", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEndlessValuesInRecordsNameTheirLimit: a string or number that never
// ends inside a record is reported as too long a string, not as too large a
// record, whatever the reads hand over.
func TestEndlessValuesInRecordsNameTheirLimit(t *testing.T) {
	for _, body := range []string{
		`{"applicationUsers":[{"applicationName":"` + strings.Repeat("a", 3*MaxStringBytes),
		`{"applicationUsers":[{"x":` + strings.Repeat("1", 3*MaxStringBytes),
		`{"applicationUsers":[{"x":"` + strings.Repeat(`\u00e9`, MaxStringBytes),
	} {
		for _, r := range []io.Reader{strings.NewReader(body), iotest.HalfReader(strings.NewReader(body))} {
			_, err := Decode(r)
			var ferr *FieldError
			if !errors.Is(err, ErrStringTooLong) || !errors.As(err, &ferr) || ferr.Path != "applicationUsers[0]" {
				t.Fatalf("%.60s…: %v, want %v at applicationUsers[0]", body, err, ErrStringTooLong)
			}
		}
	}
}

// TestNumbersCutByAReadAreReadWhole: a number that a read cuts short is
// never taken for the whole number, nor judged by its first part.
func TestNumbersCutByAReadAreReadWhole(t *testing.T) {
	body := `{"applicationUsers":[{"status":{"success":` + strings.Repeat("1", 30) + `}},{"status":{"total":1234567}}]}`
	for cut := 1; cut < len(body); cut++ {
		r := io.MultiReader(strings.NewReader(body[:cut]), strings.NewReader(body[cut:]))
		_, err := Decode(iotest.HalfReader(r))
		if err == nil || !strings.Contains(err.Error(), `"`+strings.Repeat("1", 30)+`" is not a whole number in range`) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	good := `{"applicationUsers":[{"status":{"total":1234567}}]}`
	for cut := 1; cut < len(good); cut++ {
		rep, err := Decode(io.MultiReader(strings.NewReader(good[:cut]), strings.NewReader(good[cut:])))
		if err != nil || rep.Users.At(0).Status.Total != 1234567 {
			t.Fatalf("cut at %d: %v, %+v", cut, err, rep)
		}
	}
}
