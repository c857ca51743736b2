// Tests that no secret, and no error text, ever becomes a label.

package metrics_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/metrics"
)

func TestNoSecretInLabels(t *testing.T) {
	const secret = "s3cr3t client/secret+&=%41$" // $, space, /, +, &, =, %
	m := metrics.New([]string{"eu"}, []string{"splunk"})
	m.ConfigProblem("splunk", errors.New("HEC token "+secret+" refused (401)"))
	m.Failed("splunk", errors.New("503"))
	m.Input("eu").Request(401, time.Second)
	_, body := get(t, m.Handler(), "/metrics")
	if strings.Contains(body, secret) {
		t.Fatal("secret appears in /metrics")
	}
	allowed := map[string]bool{"input": true, "sink": true, "code": true, "version": true, "goversion": true}
	for name, f := range parse(t, body) {
		if !strings.HasPrefix(name, "serfwd_") {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if !allowed[l.GetName()] {
					t.Errorf("%s has unexpected label %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
}
