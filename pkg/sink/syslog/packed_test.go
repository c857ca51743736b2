// packed_test.go checks that messages rendered straight from packed batches
// are byte for byte those rendered from the events the batches decode into,
// in every protocol and format, shortened ones included; and runs the
// sink's tests again on the packed path (TestPackedPath).

package syslog

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
)

// packedPath reports whether t runs under TestPackedPath: the helpers
// below then take the packed path.
func packedPath(t testing.TB) bool { return strings.HasPrefix(t.Name(), "TestPackedPath/") }

// openedBatches packs evs into batches of at most per events and opens them.
func openedBatches(t testing.TB, evs []event.Event, per int) []*event.Packed {
	t.Helper()
	var out []*event.Packed
	for from := 0; from < len(evs); from += per {
		out = append(out, packedtest.Pack(evs[from:min(from+per, len(evs))]).Open(t, nil))
	}
	return out
}

// writeFor writes evs as the delivery loop does: as events, or under
// TestPackedPath as packed batches of up to 3 events.
func writeFor(t testing.TB, s *Sink, ctx context.Context, evs []event.Event) error {
	if !packedPath(t) {
		return s.Write(ctx, evs)
	}
	return s.WritePacked(ctx, openedBatches(t, evs, 3))
}

// encodeFor is s.encode, or under TestPackedPath s.encodePacked.
func encodeFor(t testing.TB, s *Sink, evs []event.Event) {
	if !packedPath(t) {
		s.encode(evs)
		return
	}
	s.encodePacked(openedBatches(t, evs, 3))
}

// messageFor is f.appendMessage, or under TestPackedPath the message of e
// packed and rendered by a packedFormatter of f.
func messageFor(t testing.TB, f *formatter, e *event.Event) ([]byte, shortening, bool) {
	if !packedPath(t) {
		return f.appendMessage(nil, e)
	}
	p := packedtest.Pack([]event.Event{*e}).Open(t, nil)
	var v event.View
	if !p.Next(&v) {
		t.Fatal("no event in the batch")
	}
	msg, sh, short, _ := newPackedFormatter(f).appendMessage(nil, p, &v)
	return msg, sh, short
}

// bothWays renders the batches from their events and from the opened
// batches, with renderers kept across calls as a sink keeps them, and
// compares each message and its shortening.
func bothWays(t *testing.T, f *formatter, pf *packedFormatter, batches []packedtest.Batch, opened []*event.Packed) {
	t.Helper()
	n := 0
	var v event.View
	for i, b := range batches {
		evs := b.Events(t)
		p := b.Open(t, opened[i])
		for j := 0; p.Next(&v); j++ {
			got, gsh, gshort, ge := pf.appendMessage([]byte("x"), p, &v)
			want, wsh, wshort := f.appendMessage([]byte("x"), &evs[j])
			if !bytes.Equal(got, want) || gshort != wshort || gsh.original != wsh.original || gsh.drops != wsh.drops ||
				gsh.truncated != wsh.truncated || !slices.Equal(gsh.dropped, wsh.dropped) {
				t.Fatalf("message %d:\n got %q %+v\nwant %q %+v", n+j, got, gsh, want, wsh)
			}
			if gshort && ge.ID() != evs[j].ID() {
				t.Fatalf("message %d: shortened event %q, want %q", n+j, ge.ID(), evs[j].ID())
			}
		}
		n += len(evs)
	}
}

func TestPackedMessagesMatchEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	for _, protocol := range []string{"rfc5424", "rfc3164"} {
		for _, format := range []string{"leef", "cef", "json"} {
			for _, limit := range []int{1 << 20, 480} {
				t.Run(protocol+"_"+format+"_"+map[bool]string{true: "short"}[limit < 1000], func(t *testing.T) {
					o := options{protocol: protocol, format: format, facility: 16, appName: "serfwd",
						hostname: "loghost", maxBytes: limit}
					f := newFormatter(o, testVersion)
					f.now = func() time.Time { return testNow }
					pf := newPackedFormatter(f)
					opened := []*event.Packed{new(event.Packed), new(event.Packed), new(event.Packed)}
					// One Packed reopened: the same text indexes now stand
					// for other texts; nothing kept may outlive its batch.
					for _, et := range []string{event.TypeWindow, event.TypeApplicationUser, "other"} {
						e := userEvent("same", 1)
						e.Set(event.Field{Key: "eventType", Kind: event.String, Str: et})
						bothWays(t, f, pf, []packedtest.Batch{packedtest.Pack([]event.Event{e})}, opened)
					}
					for round := range 150 {
						bothWays(t, f, pf, packedtest.Mixed(t, rng, round), opened)
					}
				})
			}
		}
	}
}

// TestPackedPath runs the sink's tests again with WritePacked (and the
// packed renderer): every helper above then packs the events into queue
// batches, opens them and renders from them.
func TestPackedPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		test func(*testing.T)
	}{
		{"GoldenMessages", TestGoldenMessages}, {"GoldenHeaderFields", TestGoldenHeaderFields}, {"PRI", TestPRI},
		{"LEEFRoundTrip", TestLEEFRoundTrip}, {"CEFRoundTrip", TestCEFRoundTrip},
		{"SizeLimit", TestSizeLimit}, {"SizeLimitManyExtras", TestSizeLimitManyExtras},
		{"ExactBytes", TestExactBytes}, {"ReconnectAfterPeerClose", TestReconnectAfterPeerClose},
		{"ResendAfterWriteFailure", TestResendAfterWriteFailure}, {"DialFailureThenRecover", TestDialFailureThenRecover},
		{"TLSVerification", TestTLSVerification}, {"MutualTLS", TestMutualTLS}, {"CloseIdempotent", TestCloseIdempotent},
		{"WriteCanceled", TestWriteCanceled}, {"UDPResendsFromFailedDatagram", TestUDPResendsFromFailedDatagram},
		{"E2ERsyslog", TestE2ERsyslog}, {"E2ESyslogNG", TestE2ESyslogNG},
	} {
		t.Run(tc.name, tc.test)
	}
}
