package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestEveryMainWiresWhatItsFunctionUses: a main links the kick's SDKs when
// its function can write (else webhook-dispatch would hear of its writes
// only on its schedule), and a function whose main links no object storage
// builds without one.
func TestEveryMainWiresWhatItsFunctionUses(t *testing.T) {
	st := storetest.SQLite(t)
	for _, spec := range registry.All() {
		t.Run(spec.Name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("..", "..", "functions", spec.Name, "cmd", "main.go"))
			if err != nil {
				t.Fatal(err)
			}
			main := string(src)
			if got := strings.Contains(main, "kick.Backends"); got != spec.Writes() {
				t.Errorf("main passes kick.Backends: %v, want %v (the function writes: %v)", got, spec.Writes(), spec.Writes())
			}
			wired := strings.Contains(main, "storage.Backends")
			if wired != spec.Bucket {
				t.Errorf("main passes storage.Backends: %v, but the spec's Bucket is %v", wired, spec.Bucket)
			}
			if wired {
				return
			}
			d := &app.Deps{Store: st}
			if _, err := spec.New(d); err != nil {
				t.Errorf("without object storage the function does not build: %v; its main needs storage.Backends", err)
			}
		})
	}
}

// TestWrites: mutating routes, object triggers and schedules write; GET
// routes and webhook-dispatch itself do not kick.
func TestWrites(t *testing.T) {
	get := app.Route{Method: "GET", Path: "/v1/x"}
	tests := []struct {
		name string
		spec app.Spec
		want bool
	}{
		{"get only", app.Spec{Name: "a", Routes: []app.Route{get}}, false},
		{"post", app.Spec{Name: "a", Routes: []app.Route{get, {Method: "POST", Path: "/v1/x"}}}, true},
		{"delete", app.Spec{Name: "a", Routes: []app.Route{{Method: "DELETE", Path: "/v1/x/{id}"}}}, true},
		{"object", app.Spec{Name: "a", Objects: []app.ObjectTrigger{{Prefix: "p/"}}}, true},
		{"schedule", app.Spec{Name: "a", Schedules: []app.Schedule{{Name: "s"}}}, true},
		{"dispatcher", app.Spec{Name: app.WebhookDispatch, Schedules: []app.Schedule{{Name: "s"}}}, false},
		{"read-only post", app.Spec{Name: "a", ReadOnly: true, Routes: []app.Route{{Method: "POST", Path: "/v1/x"}}}, false},
	}
	for _, tt := range tests {
		if got := tt.spec.Writes(); got != tt.want {
			t.Errorf("%s: Writes() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
