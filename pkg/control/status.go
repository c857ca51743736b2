// The daemon's live view (`serfwd status --json`) and the messages of a
// backfill job handed to the daemon.

package control

// Protocol is the version of the control protocol this serfwd speaks (the
// /v1/ of every path).
const Protocol = 1

// Status is a running daemon's live view. Times are
// YYYY-MM-DDTHH:mm:ss.SSSZ; a time that is not known yet is null.
type Status struct {
	Protocol  int    `json:"protocol"`
	Version   string `json:"version"`
	PID       int    `json:"pid"`
	Started   string `json:"started"`
	Now       string `json:"now"`
	StatePath string `json:"state_path"`
	// MetricsAddress is the host:port the metrics endpoint listens on (the
	// port chosen when metrics.listen asks for port 0); null when it is off.
	MetricsAddress *string       `json:"metrics_address"`
	Inputs         []InputStatus `json:"inputs"`
	Sinks          []SinkStatus  `json:"sinks"`
	Jobs           []JobStatus   `json:"jobs"`
}

// InputStatus is one input of a Status.
type InputStatus struct {
	Name string `json:"name"`
	// Cursor is the end of the last committed window; null before the first.
	Cursor *string `json:"cursor"`
	// NextStart is where the next window starts: the cursor, else the
	// input's start, else now - lookback when the daemon started.
	NextStart   string   `json:"next_start"`
	LagSeconds  int64    `json:"lag_seconds"`  // now - next_start
	LastSuccess *string  `json:"last_success"` // the last report fetched; null until the first
	LastError   *Problem `json:"last_error"`   // the last failed fetch since the daemon started
	Revisits    int      `json:"revisits"`     // windows on the revisit list
}

// SinkStatus is one sink of a Status.
type SinkStatus struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Events       int64    `json:"events"` // queued
	Bytes        int64    `json:"bytes"`  // queued, as stored
	Oldest       *string  `json:"oldest"` // when the oldest queued event was queued
	LastDelivery *string  `json:"last_delivery"`
	LastError    *Problem `json:"last_error"` // the last failed delivery since the daemon started
	// ConfigProblem is set while the sink's destination refuses for a
	// reason an operator must fix (401/403, a redirect, an unknown index).
	ConfigProblem *string `json:"config_problem"`
}

// Problem is an error and when it happened.
type Problem struct {
	Error string `json:"error"`
	At    string `json:"at"`
}

// JobStatus is a backfill job the daemon runs or ran.
type JobStatus struct {
	ID      int    `json:"id"`
	Input   string `json:"input"`
	From    string `json:"from"`
	To      string `json:"to"`
	Started string `json:"started"`
	// State is fetching, delivering, done or failed.
	State  string `json:"state"`
	Done   int    `json:"done"`   // windows fetched
	Total  int    `json:"total"`  // windows in the range
	Events int64  `json:"events"` // events queued
	Error  string `json:"error,omitempty"`
}

// BackfillRequest asks the daemon to re-fetch [From, To) of Input (times
// as above, aligned to the input's window by the caller) and deliver it
// without moving the cursor.
type BackfillRequest struct {
	Input string `json:"input"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// JobEvent is one line of a backfill job's stream. Type says which fields
// are set:
//
//	accepted  job, total: the job runs
//	progress  done, total: windows fetched so far
//	wait      wait_seconds (-1: until a request in flight answers): a
//	          request of the job waits for the input's rate limit
//	fetched   ok, windows, events: fetching ended; delivery follows
//	done      windows, events, error, left: the job ended; left counts the
//	          events still queued per sink when the daemon stopped waiting
//	          for their delivery (they stay queued; the daemon delivers them)
type JobEvent struct {
	Type        string           `json:"type"`
	Job         int              `json:"job,omitempty"`
	Done        int              `json:"done,omitempty"`
	Total       int              `json:"total,omitempty"`
	WaitSeconds float64          `json:"wait_seconds,omitempty"`
	OK          bool             `json:"ok,omitempty"`
	Windows     int              `json:"windows,omitempty"`
	Events      int64            `json:"events,omitempty"`
	Error       string           `json:"error,omitempty"`
	Left        map[string]int64 `json:"left,omitempty"`
}

// The types of JobEvent.
const (
	JobAccepted = "accepted"
	JobProgress = "progress"
	JobWait     = "wait"
	JobFetched  = "fetched"
	JobDone     = "done"
)
