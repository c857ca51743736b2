// decode_fuzz_test.go holds FuzzDecode and its model: an independent reading
// of SPEC §1's tolerance rules over encoding/json's token stream, which the
// decoder must agree with on every input.

package serapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"

	"github.com/serfwd/serfwd/pkg/redact"
)

// FuzzDecode checks, for any body: Decode accepts it exactly when the model
// does (and then it is JSON), the records and entitlement equal the model's,
// reading one byte at a time changes nothing, and an error message stays
// short whatever the body holds.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/decode/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"applicationUsers":[{"status":{"success":"1e400"}}]}`))
	f.Add([]byte(`{"applicationUsers":[{"fromEnvelope":[null,7,true,"\u00e9\ud800"],"x":{"a":[1,{"b":null}]}}],"entitlement":null}`))
	f.Add([]byte(`<html>`))
	f.Add([]byte(`{"\n` + strings.Repeat("k", 2000) + `\n":` + strings.Repeat("[", 2*MaxDepth) + `}`))
	f.Add(tolerantBody(3))
	f.Fuzz(func(t *testing.T, body []byte) {
		rep, err := Decode(bytes.NewReader(body))
		if err != nil && (len(err.Error()) > 2*redact.MaxQuote+200 || strings.ContainsFunc(err.Error(), unicode.IsControl)) {
			t.Fatalf("error message of %d bytes: %.600q", len(err.Error()), err)
		}
		if err == nil && !json.Valid(body) {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
		slow, serr := Decode(iotest.OneByteReader(bytes.NewReader(body)))
		if (err == nil) != (serr == nil) || err == nil && !reflect.DeepEqual(rep, slow) {
			t.Fatalf("one byte at a time: %v, at once: %v", serr, err)
		}
		want, decided := model(body)
		if !decided {
			return
		}
		if (err == nil) != (want.err == nil) {
			t.Fatalf("Decode error %v, model error %v, body %q", err, want.err, body)
		}
		if err == nil {
			sameReport(t, rep, want.rep)
		}
	})
}

// modelResult is what the model makes of a body.
type modelResult struct {
	rep *Report
	err error
}

var errModel = errors.New("model: not a report")

// model reads body with encoding/json and applies SPEC §1's rules to it.
// decided is false where the rules leave the outcome to the decoder's
// reading order (duplicate keys) or where limits apply that the model does
// not count (bodies longer than a string may be).
func model(body []byte) (modelResult, bool) {
	if len(body) > MaxStringBytes {
		return modelResult{}, false
	}
	if !json.Valid(body) {
		return modelResult{err: errModel}, true
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	root, err := readNode(d, 1)
	if errors.Is(err, errDuplicate) {
		return modelResult{}, false
	}
	if err != nil {
		return modelResult{err: err}, true
	}
	rep, err := modelReport(root)
	return modelResult{rep: rep, err: err}, true
}

// node is a JSON value with its object members in body order.
type node struct {
	tok     json.Token // scalar value, or json.Delim('{') / json.Delim('[')
	members []member
	items   []*node
}

type member struct {
	key string
	val *node
}

var errDuplicate = errors.New("duplicate key")

func readNode(d *json.Decoder, depth int) (*node, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	n := &node{tok: tok}
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return n, nil
	}
	if depth > MaxDepth {
		return nil, errModel
	}
	seen := map[string]bool{}
	for d.More() {
		if tok == json.Delim('[') {
			item, err := readNode(d, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, item)
			continue
		}
		k, err := d.Token()
		if err != nil {
			return nil, err
		}
		key := k.(string)
		if seen[key] {
			return nil, errDuplicate
		}
		seen[key] = true
		val, err := readNode(d, depth+1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, member{key, val})
	}
	_, err = d.Token()
	return n, err
}

func modelReport(root *node) (*Report, error) {
	if root.tok != json.Delim('{') {
		return nil, errModel
	}
	rep := &Report{}
	for _, m := range root.members {
		switch m.key {
		case "applicationUsers":
			if m.val.tok == nil {
				continue
			}
			if m.val.tok != json.Delim('[') {
				return nil, errModel
			}
			for _, it := range m.val.items {
				if it.tok == nil {
					continue
				}
				rec, err := modelRecord(it)
				if err != nil {
					return nil, err
				}
				rep.Users.Append(&rec)
			}
		case "entitlement":
			if err := modelEntitlement(m.val, &rep.Entitlement); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

func modelEntitlement(n *node, e *Entitlement) error {
	if n.tok == nil {
		return nil
	}
	if n.tok != json.Delim('{') {
		return errModel
	}
	var err error
	for _, m := range n.members {
		switch m.key {
		case "annual_throughput", "annualThroughput":
			e.AnnualThroughput, err = modelInt(m.val)
		case "license_start", "licenseStart":
			e.LicenseStart, err = modelText(m.val)
		case "license_end", "licenseEnd":
			e.LicenseEnd, err = modelText(m.val)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func modelRecord(n *node) (Record, error) {
	var r Record
	if n.tok != json.Delim('{') {
		return r, errModel
	}
	var err error
	for _, m := range n.members {
		switch m.key {
		case "applicationName":
			r.ApplicationName, err = modelText(m.val)
		case "applicationUserName":
			r.ApplicationUserName, err = modelText(m.val)
		case "fromEnvelope":
			r.FromEnvelope, err = modelList(m.val)
		case "fromHeader":
			r.FromHeader, err = modelList(m.val)
		case "status", "details", "messageSizeTotal":
			err = modelBlock(&r, m.key, m.val)
		default:
			r.Extra = append(r.Extra, ExtraField{Name: m.key, Value: marshalNode(m.val)})
		}
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

func modelBlock(r *Record, name string, n *node) error {
	if name == "messageSizeTotal" && n.tok != json.Delim('{') && n.tok != json.Delim('[') && n.tok != nil {
		var err error
		r.Size.MessageSizeTotal, err = modelInt(n)
		return err
	}
	if n.tok == nil {
		return nil
	}
	if n.tok != json.Delim('{') {
		return errModel
	}
	for _, m := range n.members {
		p := modelCounter(r, name, m.key)
		if p == nil {
			r.Extra = append(r.Extra, ExtraField{Name: name + "_" + m.key, Value: marshalNode(m.val)})
			continue
		}
		v, err := modelInt(m.val)
		if err != nil {
			return err
		}
		*p = v
	}
	return nil
}

func modelCounter(r *Record, block, key string) *int64 {
	names := map[string]map[string]*int64{
		"status": {"success": &r.Status.Success, "failure": &r.Status.Failure, "tempFailure": &r.Status.TempFailure,
			"partialSuccess": &r.Status.PartialSuccess, "inProgress": &r.Status.InProgress, "total": &r.Status.Total,
			"recipientsTotal": &r.Status.RecipientsTotal},
		"messageSizeTotal": {"messageSizeTotal": &r.Size.MessageSizeTotal, "deliveredSizeTotal": &r.Size.DeliveredSizeTotal},
		"details":          {"2.x.x": &r.Details.DSN2xx, "3.x.x": &r.Details.DSN3xx, "4.x.x": &r.Details.DSN4xx, "5.x.x": &r.Details.DSN5xx},
	}
	if block == "details" && len(key) == 5 && key[1] == '.' && key[3] == '.' {
		key = key[:2] + strings.ToLower(key[2:3]) + "." + strings.ToLower(key[4:])
	}
	return names[block][key]
}

// modelText: a string, a number's or boolean's text, null as "".
func modelText(n *node) (string, error) {
	switch t := n.tok.(type) {
	case string:
		return t, nil
	case json.Number:
		return string(t), nil
	case bool:
		return strconv.FormatBool(t), nil
	case nil:
		return "", nil
	}
	return "", errModel
}

// modelList: a list of scalars (nulls dropped), or a scalar as one item.
func modelList(n *node) ([]string, error) {
	if n.tok != json.Delim('[') {
		s, err := modelText(n)
		if err != nil || s == "" {
			return nil, err
		}
		return []string{s}, nil
	}
	out := []string{}
	for _, it := range n.items {
		if it.tok == nil {
			continue
		}
		s, err := modelText(it)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// modelInt: a whole number, or a string holding one (with spaces); "" and
// null are 0.
func modelInt(n *node) (int64, error) {
	var text string
	switch t := n.tok.(type) {
	case nil:
		return 0, nil
	case json.Number:
		text = string(t)
	case string:
		if text = strings.TrimSpace(t); text == "" {
			return 0, nil
		}
	default:
		return 0, errModel
	}
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		return v, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, errModel
	}
	return int64(f), nil
}

// marshalNode renders a node back to compact JSON (keys in order).
func marshalNode(n *node) json.RawMessage {
	var b bytes.Buffer
	writeNode(&b, n)
	return b.Bytes()
}

func writeNode(w io.Writer, n *node) {
	switch n.tok {
	case json.Delim('{'):
		io.WriteString(w, "{")
		for i, m := range n.members {
			if i > 0 {
				io.WriteString(w, ",")
			}
			k, _ := json.Marshal(m.key)
			w.Write(k)
			io.WriteString(w, ":")
			writeNode(w, m.val)
		}
		io.WriteString(w, "}")
	case json.Delim('['):
		io.WriteString(w, "[")
		for i, it := range n.items {
			if i > 0 {
				io.WriteString(w, ",")
			}
			writeNode(w, it)
		}
		io.WriteString(w, "]")
	default:
		v, _ := json.Marshal(n.tok)
		w.Write(v)
	}
}

// sameReport compares a decoded report with the model's; unknown values
// are compared as JSON values (the model re-encodes strings).
func sameReport(t *testing.T, got, want *Report) {
	t.Helper()
	if got.Entitlement != want.Entitlement {
		t.Fatalf("entitlement %+v, model %+v", got.Entitlement, want.Entitlement)
	}
	g, w := got.Users.Slice(), want.Users.Slice()
	if len(g) != len(w) {
		t.Fatalf("%d records, model %d", len(g), len(w))
	}
	for i := range g {
		gx, wx := g[i].Extra, w[i].Extra
		g[i].Extra, w[i].Extra = nil, nil
		if !reflect.DeepEqual(g[i], w[i]) {
			t.Fatalf("record %d:\n got %#v\nmodel %#v", i, g[i], w[i])
		}
		if len(gx) != len(wx) {
			t.Fatalf("record %d: %d unknown fields, model %d", i, len(gx), len(wx))
		}
		for k := range gx {
			if gx[k].Name != wx[k].Name || !sameJSON(gx[k].Value, wx[k].Value) || !json.Valid(gx[k].Value) {
				t.Fatalf("record %d unknown field %d: %s=%s, model %s=%s", i, k, gx[k].Name, gx[k].Value, wx[k].Name, wx[k].Value)
			}
		}
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	return da.Decode(&x) == nil && db.Decode(&y) == nil && reflect.DeepEqual(x, y)
}
