// keys_test.go: the encoders' list of SPEC §4 keys matches what pkg/event
// produces (so a key added there cannot silently become a droppable extra
// here), and the key rule on hand-picked names.

package syslog

import (
	"fmt"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestSpecKeysMatchTheEvents(t *testing.T) {
	w := serapi.Window{Start: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}
	w.End = w.Start.Add(time.Hour)
	r := serapi.Record{ApplicationName: "a", ApplicationUserName: "u"}
	ent := serapi.Entitlement{}
	user := event.FromRecord("acme", w, &r, &ent, 0)
	window := event.FromWindow("acme", w, []serapi.Record{r}, &ent, 0)
	seen := map[string]bool{}
	for _, e := range []event.Event{user, window} {
		for _, f := range e.Fields {
			seen[f.Key] = true
			if specIndex(f.Key) < 0 {
				t.Errorf("%s key %q is not in specKeyList", e.Type(), f.Key)
			}
		}
	}
	for _, k := range specKeyList {
		if !seen[k] {
			t.Errorf("specKeyList holds %q, which no event has", k)
		}
	}
}

// TestKeyNames names hand-picked keys: the expectations are typed from the
// rule in keys.go's comment.
func TestKeyNames(t *testing.T) {
	cases := []struct {
		name      string
		keys      []string // extras after a full ser.applicationUser event
		leef, cef []string
	}{
		{"plain", []string{"limits_perHour", "x.y"}, []string{"limits_perHour", "x.y"}, []string{"limits_perHour", "x.y"}},
		{"forged known keys", []string{"succ ess", "failure\n", "eventId\t"},
			[]string{"succ_ess", "failure_", "eventId_"}, []string{"succ_ess", "failure_", "eventId_"}},
		{"payload names", []string{"sev", "usrName", "devTime", "cat", "rt", "cs1Label", "externalId"},
			[]string{"extra_sev", "extra_usrName", "extra_devTime", "extra_cat", "rt", "cs1Label", "externalId"},
			[]string{"sev", "usrName", "devTime", "extra_cat", "extra_rt", "extra_cs1Label", "extra_externalId"}},
		{"attributes a SIEM reads", []string{"src", "proto", "identSrc", "act", "msg", "deviceAction", "url"},
			[]string{"extra_src", "extra_proto", "extra_identSrc", "act", "msg", "deviceAction", "extra_url"},
			[]string{"extra_src", "extra_proto", "identSrc", "extra_act", "extra_msg", "extra_deviceAction", "url"}},
		{"clash after rewriting", []string{"a b", "a=b", "a_b", "extra_a_b"},
			[]string{"extra2_a_b", "extra3_a_b", "a_b", "extra_a_b"}, []string{"extra2_a_b", "extra3_a_b", "a_b", "extra_a_b"}},
		{"characters", []string{"", "größe", "k\xff", "ü"}, []string{"_", "gr__e", "k_", "extra__"}, []string{"_", "gr__e", "k_", "extra__"}},
		{"many equal", []string{"a b", "a^b", "a|b", "a\x00b", "a b "},
			[]string{"a_b", "extra_a_b", "extra2_a_b", "extra3_a_b", "a_b_"}, []string{"a_b", "extra_a_b", "extra2_a_b", "extra3_a_b", "a_b_"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := userEvent("k", 0)
			base := len(e.Fields)
			for _, k := range c.keys {
				e.AddString(k, "v")
			}
			for _, fm := range []struct {
				n    *keyNamer
				want []string
			}{{newLEEFNamer(), c.leef}, {newCEFNamer(), c.cef}} {
				fm.n.name(&e)
				if got := fmt.Sprintf("%q", fm.n.names[base:]); got != fmt.Sprintf("%q", fm.want) {
					t.Errorf("names %s, want %q", got, fm.want)
				}
				if fm.n.names[0] != "eventType" && fm.n.names[0] != "cat" {
					t.Errorf("eventType travels as %q", fm.n.names[0])
				}
			}
		})
	}
}
