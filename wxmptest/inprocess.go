package wxmptest

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
)

// inProcessWriter is the http.ResponseWriter of an in-process delivery.
// It answers the delivery as a network client would see it: when the
// handler returns, or earlier, when the handler flushes a complete answer,
// one whose Content-Length has been written in full. net/http sends such an
// answer to the client at the flush, and the client has it all, however
// long the handler goes on afterwards: a server whose timer answers
// "success" at its deadline while the handler keeps the request (package
// push does) is answered in time. A flush without Content-Length ends
// nothing, as a chunked body goes on until the handler returns.
//
// Its methods may be called from a goroutine other than the handler's (a
// timer's), so it locks; Header is the handler's own map, as in net/http,
// read only by WriteHeader.
type inProcessWriter struct {
	header http.Header

	mu          sync.Mutex
	wroteHeader bool
	status      int
	length      int64 // the Content-Length sent with the header; -1 for none
	body        bytes.Buffer
	// complete is closed when a flushed answer holds its whole
	// Content-Length; final is that answer, which nothing changes
	// afterwards.
	complete chan struct{}
	final    *answer
}

func newInProcessWriter() *inProcessWriter {
	return &inProcessWriter{header: http.Header{}, length: -1, complete: make(chan struct{})}
}

func (w *inProcessWriter) Header() http.Header { return w.header }

func (w *inProcessWriter) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(code)
}

func (w *inProcessWriter) writeHeaderLocked(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader, w.status = true, code
	if v := w.header.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			w.length = n
		}
	}
}

// Write appends b to the body; past the Content-Length it keeps what fits
// and fails, as net/http does.
func (w *inProcessWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(http.StatusOK)
	if w.length >= 0 {
		if room := w.length - int64(w.body.Len()); int64(len(b)) > room {
			n, _ := w.body.Write(b[:max(room, 0)])
			return n, http.ErrContentLength
		}
	}
	return w.body.Write(b)
}

// Flush ends the answer when it is complete (see inProcessWriter).
func (w *inProcessWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writeHeaderLocked(http.StatusOK)
	if w.final != nil || w.length < 0 || int64(w.body.Len()) < w.length {
		return
	}
	w.final = &answer{status: w.status, body: bytes.Clone(w.body.Bytes())}
	close(w.complete)
}

// isComplete reports whether a complete answer was flushed.
func (w *inProcessWriter) isComplete() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.final != nil
}

// answer returns the flushed complete answer, or else what the handler
// wrote (200 and an empty body when it wrote nothing).
func (w *inProcessWriter) answer() answer {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.final != nil {
		return *w.final
	}
	status := w.status
	if !w.wroteHeader {
		status = http.StatusOK
	}
	return answer{status: status, body: bytes.Clone(w.body.Bytes())}
}
