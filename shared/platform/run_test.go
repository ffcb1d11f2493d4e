package platform

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/logging"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// platformEnv lists every variable Detect and listenAddr read.
var platformEnv = []string{"AWS_LAMBDA_RUNTIME_API", "K_SERVICE", "FC_CUSTOM_LISTEN_PORT", "FC_SERVER_PORT", "FC_FUNCTION_NAME", "LOGIFN_ADDR", "PORT"}

// setPlatformEnv clears the platform variables and sets env.
func setPlatformEnv(t *testing.T, env map[string]string) {
	for _, k := range platformEnv {
		t.Setenv(k, env[k])
	}
}

// startRun runs Run in the background and returns the address it listens
// on, once it logs so, and the channel its result arrives on.
func startRun(t *testing.T, ctx context.Context, h Handlers, wantKind Kind) (string, chan error) {
	t.Helper()
	log, hook := test.NewNullLogger()
	log.SetOutput(io.Discard)
	done := make(chan error, 1)
	go func() { done <- Run(ctx, log, "waybill-image", h) }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		default:
		}
		if addr, ok := listeningAddr(t, hook.AllEntries(), wantKind); ok {
			return addr, done
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("Run never logged listening")
	return "", nil
}

// listeningAddr finds the "listening" line and checks its fields.
func listeningAddr(t *testing.T, entries []*logrus.Entry, wantKind Kind) (string, bool) {
	for _, e := range entries {
		if e.Message != "listening" {
			continue
		}
		if e.Data[logging.FieldPlatform] != string(wantKind) || e.Data[logging.FieldFunction] != "waybill-image" {
			t.Errorf("listening line %v, want platform %s and function waybill-image", e.Data, wantKind)
		}
		addr, _ := e.Data["addr"].(string)
		return addr, true
	}
	return "", false
}

// blockingHTTP answers /slow only once release is closed, after closing
// started; every other request it answers 418 with the path.
func blockingHTTP(started, release chan struct{}) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/slow" {
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, r.URL.Path)
			return
		}
		once.Do(func() { close(started) })
		<-release
		io.WriteString(w, "done")
	})
}

func TestRunServesAndStopsGracefully(t *testing.T) {
	timer := string(fixture(t, "fc-timer-event.json"))
	tests := []struct {
		name           string
		env            map[string]string
		kind           Kind
		wantInvoke     int // status of POST /invoke with a timer event
		wantLoopback   bool
		wantUnspecAddr bool
	}{
		{"http", map[string]string{"LOGIFN_ADDR": "127.0.0.1:0"}, KindHTTP, http.StatusTeapot, true, false},
		{"fc", map[string]string{"FC_CUSTOM_LISTEN_PORT": "0", "FC_FUNCTION_NAME": "waybill-image"}, KindFC, http.StatusOK, false, true},
		{"knative", map[string]string{"K_SERVICE": "waybill-image", "PORT": "0"}, KindKnative, http.StatusTeapot, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setPlatformEnv(t, tt.env)
			started, release := make(chan struct{}), make(chan struct{})
			rec := &recorder{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			addr, done := startRun(t, ctx, rec.handlers(Handlers{HTTP: blockingHTTP(started, release)}), tt.kind)
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				t.Fatal(err)
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() != tt.wantLoopback || ip.IsUnspecified() != tt.wantUnspecAddr {
				t.Errorf("listening on %s; want loopback %v, all interfaces %v", addr, tt.wantLoopback, tt.wantUnspecAddr)
			}
			base := "http://127.0.0.1:" + port
			resp, err := http.Post(base+"/invoke", "application/octet-stream", strings.NewReader(timer))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantInvoke {
				t.Errorf("POST /invoke: status %d, want %d", resp.StatusCode, tt.wantInvoke)
			}

			slow := make(chan string, 1)
			go func() {
				resp, err := http.Get(base + "/slow")
				if err != nil {
					slow <- err.Error()
					return
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				slow <- string(b)
			}()
			<-started
			cancel()
			select {
			case err := <-done:
				t.Fatalf("Run returned %v while a request was in flight", err)
			case <-time.After(200 * time.Millisecond):
			}
			close(release)
			if got := <-slow; got != "done" {
				t.Errorf("in-flight request got %q, want it to finish with done", got)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil after a graceful stop", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return after ctx ended")
			}
			if _, err := http.Get(base + "/after"); err == nil {
				t.Error("server still answers after Run returned")
			}
		})
	}
}

func TestRunStopsOnSIGTERM(t *testing.T) {
	setPlatformEnv(t, map[string]string{"LOGIFN_ADDR": "127.0.0.1:0"})
	_, done := startRun(t, context.Background(), Handlers{}, KindHTTP)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after SIGTERM")
	}
}

func TestRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	setPlatformEnv(t, map[string]string{"LOGIFN_ADDR": ln.Addr().String()})
	log, _ := test.NewNullLogger()
	err = Run(context.Background(), log, "waybill-image", Handlers{})
	if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Errorf("Run = %v, want a listen error", err)
	}
}
