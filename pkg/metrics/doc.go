// Package metrics owns serfwd's operational surface: the Prometheus metrics
// of SPEC §7 on a private registry, and the HTTP endpoints /metrics, /healthz
// and /readyz.
//
// A *Metrics is built once with the configured input and sink names, so that
// every series exists at zero before the first event. It implements the
// observer interfaces of the packages it watches: poller.Observer
// (Committed), sink.LoopObserver (Sent, Failed, QueueDepth) and sink.Metrics
// (DeadLetter, Truncated, ConfigProblem); Input(name) gives the
// serapi.Observer of one input's client. Labels carry only input and sink
// names, status codes and build facts, never secrets or error text.
//
// Figures that must be true at any moment are computed at scrape time: the
// queue gauges read the state file (SetQueueSource), and an input's lag
// counts from its cursor, or before the first commit from where it starts
// (SetNextStart), to the clock's now.
//
// Readiness is the state file being open (SetReady) and no input stuck: an
// input whose poll pass has not completed (PollDone) or committed a window
// for more than three times its interval (SetInterval) makes /readyz answer
// 503 with one line per problem.
package metrics
