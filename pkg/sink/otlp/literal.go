// JSON literals an event keeps verbatim (true, false, null, numbers that
// are not int64, nested objects and arrays too deep to flatten) as typed
// OTLP values.

package otlp

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// setLiteral sets v from the JSON literal lit: booleans as bools, integers
// as ints, other numbers as doubles, objects as maps, arrays as arrays,
// null (or nothing) as an empty value. An integer beyond int64 keeps its
// exact digits as a string; text that is not JSON stays a string.
func setLiteral(v pcommon.Value, lit string) {
	lit = strings.TrimSpace(lit)
	switch {
	case lit == "" || lit == "null":
		return
	case lit == "true" || lit == "false":
		v.SetBool(lit == "true")
		return
	}
	dec := json.NewDecoder(strings.NewReader(lit))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil || dec.More() {
		v.SetStr(lit)
		return
	}
	setValue(v, x)
}

// setValue sets v from a value decoded with UseNumber.
func setValue(v pcommon.Value, x any) {
	switch t := x.(type) {
	case nil:
	case bool:
		v.SetBool(t)
	case string:
		v.SetStr(t)
	case json.Number:
		setNumber(v, t.String())
	case []any:
		s := v.SetEmptySlice()
		s.EnsureCapacity(len(t))
		for _, item := range t {
			setValue(s.AppendEmpty(), item)
		}
	case map[string]any:
		m := v.SetEmptyMap()
		m.EnsureCapacity(len(t))
		for _, k := range slices.Sorted(maps.Keys(t)) { // the same literal always gives the same map
			setValue(m.PutEmpty(k), t[k])
		}
	}
}

// setNumber keeps integers as ints, other numbers as doubles, and an
// integer beyond int64 as its digits.
func setNumber(v pcommon.Value, n string) {
	if !strings.ContainsAny(n, ".eE") {
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			v.SetInt(i)
		} else {
			v.SetStr(n)
		}
		return
	}
	if f, err := strconv.ParseFloat(n, 64); err == nil {
		v.SetDouble(f)
		return
	}
	v.SetStr(n)
}
