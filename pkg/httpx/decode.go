// Inflating an answer that came with a content coding serfwd did not ask
// for, as it is read.

package httpx

import (
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/serfwd/serfwd/pkg/redact"
)

// decode replaces a gzip- or deflate-coded body by a reader of its
// decoded bytes; identity passes; any other coding is an error.
func decode(resp *http.Response) error {
	coding := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	var open func(io.Reader) (io.ReadCloser, error)
	switch coding {
	case "", "identity":
		return nil
	case "gzip", "x-gzip":
		open = func(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) }
	case "deflate":
		open = zlib.NewReader
	default:
		return fmt.Errorf("%s answered with Content-Encoding %q, which serfwd did not ask for and cannot read",
			Origin(resp.Request.URL), redact.Quote(coding))
	}
	resp.Body = &inflater{src: resp.Body, open: open}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return nil
}

// inflater decodes src lazily, from the first Read, in constant memory.
type inflater struct {
	src  io.ReadCloser
	open func(io.Reader) (io.ReadCloser, error)
	dec  io.ReadCloser
	err  error
}

func (f *inflater) Read(p []byte) (int, error) {
	if f.dec == nil && f.err == nil {
		f.dec, f.err = f.open(f.src)
		if f.err != nil && f.err != io.EOF {
			f.err = fmt.Errorf("inflating the answer: %w", f.err)
		}
	}
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.dec.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("inflating the answer: %w", err)
	}
	return n, err
}

func (f *inflater) Close() error {
	if f.dec != nil {
		_ = f.dec.Close()
	}
	return f.src.Close()
}
