// Redacting writers for log output and the text commands print.

package redact

import "io"

// writer redacts each Write before passing it on.
type writer struct {
	r *Redactor
	w io.Writer
}

// Writer returns a writer that redacts every Write on its own before
// passing it to w: callers write whole messages at a time, as zap does (one
// Write per log entry) and fmt.Fprint* do (one per call). Wrapping a writer
// that r already wraps returns it unchanged. The returned writer has Sync
// when w has it, so a zap core can use it as its WriteSyncer.
func (r *Redactor) Writer(w io.Writer) io.Writer {
	if rw, ok := w.(*writer); ok && rw.r == r {
		return w
	}
	if rw, ok := w.(*syncWriter); ok && rw.r == r {
		return w
	}
	base := writer{r: r, w: w}
	if s, ok := w.(interface{ Sync() error }); ok {
		return &syncWriter{writer: base, sync: s.Sync}
	}
	return &base
}

// Write redacts p and writes it; it reports len(p) written on success,
// whatever length the redacted text had.
func (w *writer) Write(p []byte) (int, error) {
	out := w.r.Bytes(p)
	if _, err := w.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// syncWriter is a writer over a destination that can be synced.
type syncWriter struct {
	writer
	sync func() error
}

func (w *syncWriter) Sync() error { return w.sync() }

// Of returns the Redactor of a writer that Writer made, or nil (whose
// methods work and know no secret).
func Of(w io.Writer) *Redactor {
	switch rw := w.(type) {
	case *writer:
		return rw.r
	case *syncWriter:
		return rw.r
	}
	return nil
}
