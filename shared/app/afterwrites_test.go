package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/platform"
)

func TestAfterWrites(t *testing.T) {
	var kicks atomic.Int32
	h := app.AfterWrites(platform.Handlers{
		HTTP: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/created":
				w.WriteHeader(http.StatusCreated)
			case "/bad":
				w.WriteHeader(http.StatusUnprocessableEntity)
			default:
				w.Write([]byte("{}"))
			}
		}),
		Object: func(ctx context.Context, obj platform.ObjectCreated) error {
			if obj.Key == "bad" {
				return errors.New("corrupt")
			}
			return nil
		},
		Tick: func(ctx context.Context, tk platform.Tick) error { return nil },
	}, func() { kicks.Add(1) })

	tests := []struct {
		name string
		do   func()
		want int32
	}{
		{"GET", func() { h.HTTP.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil)) }, 0},
		{"POST 201", func() { h.HTTP.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/created", nil)) }, 1},
		{"PUT 200 by Write", func() { h.HTTP.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("PUT", "/x", nil)) }, 1},
		{"POST 422", func() { h.HTTP.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/bad", nil)) }, 0},
		{"object handled", func() { h.Object(context.Background(), platform.ObjectCreated{Key: "ok"}) }, 1},
		{"object failed", func() { h.Object(context.Background(), platform.ObjectCreated{Key: "bad"}) }, 0},
		{"tick handled", func() { h.Tick(context.Background(), platform.Tick{Name: "stale-sweep"}) }, 1},
	}
	for _, tt := range tests {
		before := kicks.Load()
		tt.do()
		if got := kicks.Load() - before; got != tt.want {
			t.Errorf("%s: %d kicks, want %d", tt.name, got, tt.want)
		}
	}
}
