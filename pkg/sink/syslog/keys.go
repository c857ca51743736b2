// keys.go decides under which name each event key travels in a LEEF or CEF
// payload, so that every key appears once in a message and the keys of SPEC
// §4 keep their own names and values (SPEC §5), whatever names the SER API
// gave its unknown fields.
//
// The rule, the same for LEEF and CEF:
//
//  1. Names a SIEM reads a meaning into are reserved (reserved.go): in LEEF
//     the predefined attributes (devTime, cat, sev and usrName, which the
//     payload sets, and src, dst, proto, identSrc, …); in CEF the extension
//     dictionary's key names and full names (rt, act, msg, src, …), every
//     key of the CEF mapping (externalId, cat, start, end, app, suser, in,
//     out, cnt, cs1…cs6, cn1…cn3 and their …Label keys) and the names of
//     SPEC §4 (a custom field's label names one).
//  2. A key of SPEC §4 keeps its own name (in CEF: the key it maps to). Only
//     its first occurrence counts as the §4 key; an event never holds two.
//  3. Any other key is rewritten: every character outside A–Z, a–z, 0–9,
//     '_' and '.' becomes '_' (one '_' per character; a byte of invalid
//     UTF-8 counts as one character), and an empty key becomes "_".
//  4. Keys that needed no rewriting take their names first, in event order;
//     then the rewritten ones. A name that is reserved or already taken
//     becomes extra_<name>, else extra2_<name>, extra3_<name>, … — the first
//     one free.
//
// So an unknown field "succ ess" travels as succ_ess, "failure\n" as
// failure_, an unknown "sev" or "src" in LEEF as extra_sev or extra_src,
// "act" in CEF as extra_act, and a field "a b" beside a field "a_b" as
// extra_a_b. Values are never renamed or moved: each stays
// with its key.

package syslog

import (
	"strconv"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
)

// specKeyList holds the keys SPEC §4 defines, for both event types; every
// other key is an extra.
var specKeyList = [...]string{
	"eventType", "eventId", "revision", "input", "windowStart", "windowEnd",
	"applicationName", "applicationUserName", "fromEnvelope", "fromHeader",
	"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total", "recipientsTotal",
	"messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx",
	"licenseStart", "licenseEnd", "annualThroughput", "records",
}

var specIndexes = func() map[string]int8 {
	m := make(map[string]int8, len(specKeyList))
	for i, k := range specKeyList {
		m[k] = int8(i)
	}
	return m
}()

// specIndex is key's position in specKeyList, or -1 for an extra.
func specIndex(key string) int8 {
	if i, ok := specIndexes[key]; ok {
		return i
	}
	return -1
}

// keyChars marks the bytes a key may carry as they are.
var keyChars = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
	}
	return t
}()

// plainKey reports whether key needs no rewriting.
func plainKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		if !keyChars[key[i]] {
			return false
		}
	}
	return true
}

// rewriteKey applies rule 3: one '_' per character that is not allowed.
func rewriteKey(key string) string {
	if key == "" {
		return "_"
	}
	b := make([]byte, 0, len(key))
	for i := 0; i < len(key); {
		if keyChars[key[i]] {
			b = append(b, key[i])
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(key[i:])
		b = append(b, '_')
		i += size
	}
	return string(b)
}

// keyNamer names the fields of one event at a time for one payload format.
// It keeps its buffers between events; it is not safe for concurrent use.
type keyNamer struct {
	reserved func(name string) bool
	specName func(i int8) string // the name a §4 key travels under

	names []string // per field: its name in the payload
	spec  []int8   // per field: its specKeyList index, or -1 when it is an extra
	taken map[string]struct{}
	next  map[string]int // per rewritten name, the next extraN_ prefix to try
	keys  []string       // name's scratch: the keys of the event
}

// name fills n.names and n.spec for e's fields.
func (n *keyNamer) name(e *event.Event) {
	n.keys = n.keys[:0]
	for i := range e.Fields {
		n.keys = append(n.keys, e.Fields[i].Key)
	}
	n.nameKeys(n.keys)
}

// nameKeys fills n.names and n.spec for the fields of an event with keys.
func (n *keyNamer) nameKeys(keys []string) {
	n.names, n.spec = n.names[:0], n.spec[:0]
	var seen uint32 // §4 keys met so far, by index
	simple, extras := true, 0
	for _, key := range keys {
		if s := specIndex(key); s >= 0 && seen&(1<<s) == 0 {
			seen |= 1 << s
			n.names, n.spec = append(n.names, n.specName(s)), append(n.spec, s)
			continue
		}
		if !plainKey(key) || n.reserved(key) || specIndex(key) >= 0 {
			simple = false
		}
		extras++
		n.names, n.spec = append(n.names, key), append(n.spec, -1)
	}
	if simple && extras > 1 {
		simple = n.extrasDistinct()
	}
	if !simple {
		n.resolve(keys)
	}
}

// extrasDistinct reports whether the extras' names differ from each other
// (a few are compared pairwise; many go the general way).
func (n *keyNamer) extrasDistinct() bool {
	var idx [8]int
	k := 0
	for i, s := range n.spec {
		if s >= 0 {
			continue
		}
		if k == len(idx) {
			return false
		}
		for _, j := range idx[:k] {
			if n.names[j] == n.names[i] {
				return false
			}
		}
		idx[k] = i
		k++
	}
	return true
}

// resolve applies rules 2–4 when some extra needs a new name.
func (n *keyNamer) resolve(keys []string) {
	if n.taken == nil {
		n.taken, n.next = make(map[string]struct{}), make(map[string]int)
	}
	clear(n.taken)
	clear(n.next)
	for i, s := range n.spec {
		if s >= 0 {
			n.taken[n.names[i]] = struct{}{}
		} else {
			n.names[i] = ""
		}
	}
	for i, key := range keys { // rule 4, first part: plain keys as they are
		if n.spec[i] < 0 && plainKey(key) && !n.isTaken(key) {
			n.names[i] = key
			n.taken[key] = struct{}{}
		}
	}
	for i, key := range keys { // then the rest, rewritten and made free
		if n.names[i] == "" {
			n.names[i] = n.free(rewriteKey(key))
			n.taken[n.names[i]] = struct{}{}
		}
	}
}

func (n *keyNamer) isTaken(name string) bool {
	if n.reserved(name) {
		return true
	}
	_, ok := n.taken[name]
	return ok
}

// free returns name, or the first free of extra_<name>, extra2_<name>, …
func (n *keyNamer) free(name string) string {
	if !n.isTaken(name) {
		return name
	}
	k := max(n.next[name], 1)
	for ; ; k++ {
		prefix := "extra_"
		if k > 1 {
			prefix = "extra" + strconv.Itoa(k) + "_"
		}
		if c := prefix + name; !n.isTaken(c) {
			n.next[name] = k + 1
			return c
		}
	}
}
