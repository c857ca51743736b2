// The Registry of sink kinds: order, duplicates, what config decoding sees,
// and building a sink from a config entry of the right (or wrong) type.

package sink_test

import (
	"context"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

type fakeConfig struct {
	Target string `yaml:"target"`
}

func (c fakeConfig) Validate() error { return nil }
func (c fakeConfig) Describe() sink.Description {
	return sink.Description{Target: c.Target, Check: "reachable"}
}
func (c fakeConfig) Limits() sink.Limits { return sink.Limits{MaxEvents: 7} }

func defaultFake() fakeConfig { return fakeConfig{Target: "default"} }

// otherConfig is another kind's config.
type otherConfig struct{ fakeConfig }

type fakeSink struct {
	set sink.Settings
	cfg fakeConfig
}

func (fakeSink) Write(context.Context, []event.Event) error { return nil }
func (fakeSink) Close(context.Context) error                { return nil }

func newFake(s sink.Settings, c fakeConfig) (sink.Sink, error) { return fakeSink{s, c}, nil }

func TestRegistry(t *testing.T) {
	a := sink.NewKind("alpha", defaultFake, newFake)
	b := sink.NewKind("beta", func() otherConfig { return otherConfig{} }, func(sink.Settings, otherConfig) (sink.Sink, error) { return fakeSink{}, nil })
	r, err := sink.NewRegistry(b, a)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.SinkTypes(), ","); got != "beta,alpha" {
		t.Errorf("SinkTypes() = %s, want the table's order", got)
	}
	if d, ok := r.DefaultSinkConfig("alpha"); !ok || d.(fakeConfig).Target != "default" {
		t.Errorf("DefaultSinkConfig(alpha) = %v, %v", d, ok)
	}
	if _, ok := r.DefaultSinkConfig("gamma"); ok {
		t.Error("gamma is not a kind")
	}
	s, err := r.New(sink.Settings{}, config.Sink{Name: "a1", Type: "alpha", Config: fakeConfig{Target: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	fs := s.(fakeSink)
	if fs.cfg.Target != "t" || fs.set.Name != "a1" || fs.set.Logger == nil || fs.set.Metrics == nil || fs.set.DeadLetter == nil {
		t.Errorf("built %+v: want the config and completed settings", fs)
	}
	for _, bad := range []config.Sink{
		{Name: "x", Type: "gamma", Config: fakeConfig{}},
		{Name: "x", Type: "alpha", Config: otherConfig{}},
		{Name: "x", Type: "alpha"},
	} {
		if _, err := r.New(sink.Settings{}, bad); err == nil {
			t.Errorf("New(%+v) succeeded", bad)
		}
	}
	sc := config.Sink{Name: "a1", Type: "alpha", Config: fakeConfig{Target: "t"}}
	if d := sink.Describe(sc); d.Target != "t" || d.Check != "reachable" {
		t.Errorf("Describe = %+v", d)
	}
	if l := sink.LimitsOf(sc); l.MaxEvents != 7 {
		t.Errorf("LimitsOf = %+v", l)
	}
}

func TestRegistryRejectsDuplicates(t *testing.T) {
	a := sink.NewKind("alpha", defaultFake, newFake)
	if _, err := sink.NewRegistry(a, a); err == nil || !strings.Contains(err.Error(), `"alpha" registered twice`) {
		t.Errorf("NewRegistry(a, a) = %v", err)
	}
	if _, err := sink.NewRegistry(sink.Kind{}); err == nil {
		t.Error("an empty kind was accepted")
	}
}
