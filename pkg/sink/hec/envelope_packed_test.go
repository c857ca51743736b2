// envelope_packed_test.go checks that envelopes rendered straight from
// packed batches are byte for byte those rendered from the events the
// batches decode into, in both formats and for every kind of source.

package hec

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
)

// layouts are the envelope heads the property test renders with.
func layouts(t *testing.T) map[string]*layout {
	out := map[string]*layout{}
	for name, mod := range map[string]func(*Config){
		"event":                  func(c *Config) {},
		"event, fixed source":    func(c *Config) { c.Source, c.Index = "proofpoint", "main" },
		"event, <input> twice":   func(c *Config) { c.Source = `a "<input>" <input>` },
		"metric":                 func(c *Config) { c.Format = "metric" },
		"metric, <input> source": func(c *Config) { c.Format, c.Source, c.Index = "metric", "m:<input>", "metrics" },
	} {
		c := DefaultConfig()
		c.URL, c.Token = "http://127.0.0.1:8088", config.Secret(testToken)
		mod(&c)
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = newLayout(resolve(c, "loghost"))
	}
	return out
}

// renderBoth renders the batches from their events and from the opened
// batches, with renderers kept across calls as a sink keeps them.
func renderBoth(t *testing.T, l *layout, pr *packedRenderer, batches []packedtest.Batch, opened []*event.Packed) {
	t.Helper()
	var evs []event.Event
	for i, b := range batches {
		evs = append(evs, b.Events(t)...)
		b.Open(t, opened[i])
	}
	want := encodeBatch(evs, l)
	defer want.release()
	got := encodePacked(opened[:len(batches)], pr)
	defer got.release()
	if got.len() != want.len() {
		t.Fatalf("%d envelopes from packed batches, %d from events", got.len(), want.len())
	}
	for i := range want.len() {
		if !bytes.Equal(got.envelope(i), want.envelope(i)) {
			t.Fatalf("envelope %d:\n got %s\nwant %s", i, got.envelope(i), want.envelope(i))
		}
		if g, w := got.doneKey(i), doneKey(&evs[i]); g != w {
			t.Fatalf("event %d: done key %q, want %q", i, g, w)
		}
	}
}

func TestPackedEnvelopesMatchEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	for name, l := range layouts(t) {
		t.Run(name, func(t *testing.T) {
			pr := newPackedRenderer(l)
			opened := []*event.Packed{new(event.Packed), new(event.Packed), new(event.Packed)}
			for round := range 200 {
				renderBoth(t, l, pr, packedtest.Mixed(t, rng, round), opened)
			}
		})
	}
}

// TestPackedPath runs the tests of Write again with WritePacked: every
// harness they make writes the events packed into queue batches and opened.
func TestPackedPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		test func(*testing.T)
	}{
		{"EnvelopeBytes", TestEnvelopeBytes}, {"EnvelopeHeads", TestEnvelopeHeads},
		{"WriteEnvelopes", TestWriteEnvelopes}, {"WriteBatchLimits", TestWriteBatchLimits},
		{"WriteRetryable", TestWriteRetryable}, {"WritePermanent", TestWritePermanent},
		{"WriteResumes", TestWriteResumes}, {"WriteRefusedData", TestWriteRefusedData},
		{"WriteAck", TestWriteAck}, {"WriteAckProblems", TestWriteAckProblems},
		{"AckPollFailureFailsTheWrite", TestAckPollFailureFailsTheWrite},
		{"OutstandingAcksResentAfterTimeout", TestOutstandingAcksResentAfterTimeout},
		{"OtelReceiverEvents", TestOtelReceiverEvents}, {"OtelReceiverMetrics", TestOtelReceiverMetrics},
		{"RedirectIsAConfigurationProblem", TestRedirectIsAConfigurationProblem},
		{"SecretNeverLogged", TestSecretNeverLogged}, {"TLS", TestTLS},
	} {
		t.Run(tc.name, tc.test)
	}
}
