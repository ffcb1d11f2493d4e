package app

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/platform"
)

// AfterWrites returns h with kick called after every write it completes:
// a POST, PUT, PATCH or DELETE answered 2xx, an object handled, a tick
// handled. Any of them may have changed a shipment's status. Wrap every
// function but webhook-dispatch itself.
func AfterWrites(h platform.Handlers, kick func()) platform.Handlers {
	if next := h.HTTP; next != nil {
		h.HTTP = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
				next.ServeHTTP(w, r)
				return
			}
			sw := &statusWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r)
			if sw.status >= 200 && sw.status < 300 {
				kick()
			}
		})
	}
	if next := h.Object; next != nil {
		h.Object = func(ctx context.Context, obj platform.ObjectCreated) error {
			err := next(ctx, obj)
			if err == nil {
				kick()
			}
			return err
		}
	}
	if next := h.Tick; next != nil {
		h.Tick = func(ctx context.Context, t platform.Tick) error {
			err := next(ctx, t)
			if err == nil {
				kick()
			}
			return err
		}
	}
	return h
}

// statusWriter notes the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
