// Package kafkatest runs a real Kafka-protocol cluster inside a test:
// franz-go's kfake with several brokers on 127.0.0.1, TLS with certificates
// made for the test, SASL users with ACLs, a seeded topic, a restart on the
// same ports that keeps the records, and a reader that returns every record
// of the topic. The kafka sink's tests and the end-to-end tests of the
// binary use it; only tests import it.
package kafkatest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/serfwd/serfwd/pkg/testpki"
)

// The superuser the reader authenticates as; it bypasses ACLs.
const (
	superuser     = "kafkatest-admin"
	superPassword = "kafkatest-admin-pw"
)

// User is a SASL user of the cluster with its ACLs.
type User struct {
	Mechanism      string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	Name, Password string
	ACLs           []kfake.ACL
}

// Writer is a user with the grants the README asks for: Write and Describe
// on the topic, IdempotentWrite on the cluster.
func Writer(mechanism, name, password, topic string) User {
	return User{Mechanism: mechanism, Name: name, Password: password, ACLs: []kfake.ACL{
		Allow(kmsg.ACLResourceTypeTopic, topic, kmsg.ACLOperationWrite),
		Allow(kmsg.ACLResourceTypeTopic, topic, kmsg.ACLOperationDescribe),
		Allow(kmsg.ACLResourceTypeCluster, "kafka-cluster", kmsg.ACLOperationIdempotentWrite),
	}}
}

// Allow is an ACL that allows op on the literal resource name.
func Allow(res kmsg.ACLResourceType, name string, op kmsg.ACLOperation) kfake.ACL {
	return kfake.ACL{Resource: res, Name: name, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true}
}

// Options shape a cluster.
type Options struct {
	Brokers       int               // default 3
	Topic         string            // seeded with Partitions partitions; "" = none
	Partitions    int32             // default 3
	Users         []User            // besides the reader's superuser
	ClientCert    bool              // require a client certificate (mutual TLS)
	BrokerConfigs map[string]string // e.g. message.max.bytes
}

// Cluster is a running kfake cluster with TLS and SASL on.
type Cluster struct {
	PKI   *testpki.PKI
	Addrs []string // host:port of every broker, stable across Restart
	Topic string

	t     testing.TB
	opts  []kfake.Opt
	ports []int
	mu    sync.Mutex
	kc    *kfake.Cluster // nil while stopped
	conns conns
}

// Start starts a cluster and closes it when the test ends.
func Start(t testing.TB, o Options) *Cluster {
	t.Helper()
	if o.Brokers == 0 {
		o.Brokers = 3
	}
	if o.Partitions == 0 {
		o.Partitions = 3
	}
	c := &Cluster{PKI: testpki.New(t), Topic: o.Topic, t: t}
	c.opts = []kfake.Opt{
		kfake.NumBrokers(o.Brokers),
		kfake.TLS(c.PKI.ServerConfig(o.ClientCert)),
		kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("SCRAM-SHA-512", superuser, superPassword),
		kfake.DataDir(t.TempDir()), // Restart reloads the records from here
		kfake.ListenFn(c.conns.listen),
	}
	if o.BrokerConfigs != nil {
		c.opts = append(c.opts, kfake.BrokerConfigs(o.BrokerConfigs))
	}
	if o.Topic != "" {
		c.opts = append(c.opts, kfake.SeedTopics(o.Partitions, o.Topic))
	}
	for _, u := range o.Users {
		c.opts = append(c.opts, kfake.User(u.Mechanism, u.Name, u.Password, u.ACLs...))
	}
	kc, err := kfake.NewCluster(c.opts...)
	if err != nil {
		t.Fatalf("starting kfake: %v", err)
	}
	c.kc, c.Addrs = kc, kc.ListenAddrs()
	for _, a := range c.Addrs {
		_, p, _ := net.SplitHostPort(a)
		n, _ := strconv.Atoi(p)
		c.ports = append(c.ports, n)
	}
	t.Cleanup(c.Stop)
	c.advertiseSASLHandshakeV0(kc)
	return c
}

// advertiseSASLHandshakeV0 makes the brokers advertise SaslHandshake
// versions 0 to 1, as Apache Kafka does (4.0 included), where kfake
// advertises 1 alone: librdkafka (kcat) asks for SASL only when 0 is
// advertised, then uses 1. The answer to ApiVersions is kfake's own,
// fetched once, with that range widened.
func (c *Cluster) advertiseSASLHandshakeV0(kc *kfake.Cluster) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	own, err := kmsg.NewPtrApiVersionsRequest().RequestWith(ctx, c.Client())
	if err != nil {
		c.t.Fatalf("asking kfake for its api versions: %v", err)
	}
	for i := range own.ApiKeys {
		if own.ApiKeys[i].ApiKey == int16(kmsg.SASLHandshake) {
			own.ApiKeys[i].MinVersion = 0
		}
	}
	kc.ControlKey(int16(kmsg.ApiVersions), func(req kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		resp := *own
		resp.Version = req.GetVersion()
		return &resp, nil, true
	})
}

// Kfake is the running kfake cluster (for faults and controls); nil while
// stopped.
func (c *Cluster) Kfake() *kfake.Cluster {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kc
}

// Stop shuts every broker down, saving the cluster's state; connections
// are refused until Restart. It is idempotent.
func (c *Cluster) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kc != nil {
		c.kc.Close()
		c.kc = nil
	}
	c.conns.cutAll()
}

// KillBroker takes broker node (0 … Brokers-1) out of the cluster as a
// crash would: its listener closes, its connections are cut, and its
// partitions get other leaders.
func (c *Cluster) KillBroker(node int32) {
	c.t.Helper()
	kc := c.Kfake()
	if err := kc.RemoveNode(node); err != nil {
		c.t.Fatalf("removing broker %d: %v", node, err)
	}
	c.conns.cut(c.ports[node])
}

// StartBroker brings a killed broker back on its port; partitions get new
// leaders among all brokers.
func (c *Cluster) StartBroker(node int32) {
	c.t.Helper()
	if _, _, err := c.Kfake().AddNode(node, c.ports[node]); err != nil {
		c.t.Fatalf("restarting broker %d on port %d: %v", node, c.ports[node], err)
	}
}

// Restart starts the brokers again on the same ports with the state Stop
// saved: topics, records, users and producer ids. A port another process
// took in between fails the test.
func (c *Cluster) Restart() {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kc != nil {
		c.kc.Close()
	}
	kc, err := kfake.NewCluster(append(c.opts, kfake.Ports(c.ports...))...)
	if err != nil {
		c.t.Fatalf("restarting kfake on ports %v: %v", c.ports, err)
	}
	c.kc = kc
	c.advertiseSASLHandshakeV0(kc)
}

// Client returns a client of the cluster, authenticated as the superuser
// over mutual TLS, closed when the test ends.
func (c *Cluster) Client(opts ...kgo.Opt) *kgo.Client {
	c.t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{
		kgo.SeedBrokers(c.Addrs...),
		kgo.DialTLSConfig(c.PKI.ClientConfig()),
		kgo.SASL(scram.Auth{User: superuser, Pass: superPassword}.AsSha512Mechanism()),
	}, opts...)...)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(cl.Close)
	return cl
}

// ReadAll returns every record of the topic, partition by partition in
// offset order: it asks for the end offsets, then consumes from the start up
// to them. It gives up after timeout (a safety net: a healthy cluster answers
// at once).
func (c *Cluster) ReadAll(topic string, timeout time.Duration) []*kgo.Record {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ends, err := kadm.NewClient(c.Client()).ListEndOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		c.t.Fatalf("listing end offsets of %s: %v", topic, err)
	}
	want := map[int32]int64{}
	start := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition], start[o.Partition] = o.Offset, kgo.NewOffset().AtStart()
		}
	})
	if len(want) == 0 {
		return nil
	}
	cl := c.Client(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: start}), kgo.FetchMaxWait(250*time.Millisecond))
	byPart := map[int32][]*kgo.Record{}
	for done := 0; done < len(want); {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			c.t.Fatalf("reading %s: %v (have %s)", topic, err, progress(byPart, want))
		}
		fs.EachError(func(t string, p int32, err error) { c.t.Fatalf("reading %s[%d]: %v", t, p, err) })
		fs.EachRecord(func(r *kgo.Record) {
			byPart[r.Partition] = append(byPart[r.Partition], r)
			if r.Offset+1 == want[r.Partition] {
				done++
			}
		})
	}
	var out []*kgo.Record
	for p := range int32(len(ends[topic])) {
		out = append(out, byPart[p]...)
	}
	return out
}

func progress(have map[int32][]*kgo.Record, want map[int32]int64) string {
	s := ""
	for p, n := range want {
		s += fmt.Sprintf(" p%d:%d/%d", p, len(have[p]), n)
	}
	return s
}

// conns tracks the connections each broker port accepted, so that a
// killed broker's clients see their connections end.
type conns struct {
	mu     sync.Mutex
	byPort map[int][]net.Conn
}

func (cs *conns) listen(network, address string) (net.Listener, error) {
	ln, err := net.Listen(network, address)
	if err != nil {
		return nil, err
	}
	return trackedListener{Listener: ln, cs: cs, port: ln.Addr().(*net.TCPAddr).Port}, nil
}

func (cs *conns) add(port int, c net.Conn) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.byPort == nil {
		cs.byPort = map[int][]net.Conn{}
	}
	cs.byPort[port] = append(cs.byPort[port], c)
}

func (cs *conns) cut(port int) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, c := range cs.byPort[port] {
		c.Close()
	}
	delete(cs.byPort, port)
}

func (cs *conns) cutAll() {
	cs.mu.Lock()
	ports := make([]int, 0, len(cs.byPort))
	for p := range cs.byPort {
		ports = append(ports, p)
	}
	cs.mu.Unlock()
	for _, p := range ports {
		cs.cut(p)
	}
}

type trackedListener struct {
	net.Listener
	cs   *conns
	port int
}

func (l trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.cs.add(l.port, c)
	}
	return c, err
}
