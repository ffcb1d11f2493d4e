package tests

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// TestLocalObjectPlatform uploads a scan file to `logifn serve` with
// `logifn put`, through a presigned URL, as a transit centre's scanner
// would: the upload lands in the local object directory, fires
// scan-file-ingest by its key's prefix and suffix, and the scan moves the
// shipment; the per-line report appears beside it.
func TestLocalObjectPlatform(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	data := t.TempDir()
	p := startServer(t, "logifn serve", bins.logifn(), func(port string) ([]string, env) {
		return []string{"serve", "--addr", "127.0.0.1:" + port, "--data", data}, nil
	})
	admin := token(t, demoUser(t, domain.RoleAdmin), 0)
	res := p.do(t, request{method: "GET", path: "/v1/shipments?status=created&station=SHA-01&limit=1", token: admin})
	var page struct {
		Shipments []shipmentView `json:"shipments"`
	}
	res.JSON(t, &page)
	if len(page.Shipments) != 1 || page.Shipments[0].OriginStation != "SHA-01" {
		t.Fatalf("no created demo shipment from SHA-01: %s", res.Body)
	}
	wb := page.Shipments[0].Waybill

	file := filepath.Join(t.TempDir(), "shift.csv")
	csv := "waybill,type,station,occurred_at,actor,incident_reason,note\n" +
		fmt.Sprintf("%s,pickup,SHA-01,%s,scanner-1,,\n", wb, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)) +
		"LF00000000018,pickup,SHA-01,2026-01-01T00:00:00Z,scanner-1,,\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	key := "scans/demo/SHA-01/shift-1.csv"
	bins.run(t, env{"LOGIFN_DATA_DIR": data, "LOGIFN_BLOB_PUBLIC_URL": p.base}, "put", "--type", "text/csv", file, key)

	// The ingest runs off the upload's request: wait for its effect.
	var sh shipmentView
	deadline := time.Now().Add(10 * time.Second)
	for {
		res = p.do(t, request{method: "GET", path: "/v1/shipments/" + string(wb), token: admin})
		res.JSON(t, &sh)
		if sh.Status == domain.StatusPickedUp || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if sh.Status != domain.StatusPickedUp {
		t.Fatalf("shipment %s is %s after the scan file, want picked_up", wb, sh.Status)
	}
	last := sh.Timeline[len(sh.Timeline)-1]
	if last.Type != domain.ScanPickup || last.Source != domain.SourceScanFile || last.Actor != "scanner-1" {
		t.Errorf("last event = %+v, want a pickup from the scan file by scanner-1", last)
	}
	report := filepath.Join(data, "objects", "logifn-local", "scan-results", "demo", "SHA-01", "shift-1.csv.report.csv")
	for time.Now().Before(deadline) {
		if _, err := os.Stat(report); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("no report beside the upload: %v", err)
	}
	if !strings.Contains(string(b), string(wb)+",created") || !strings.Contains(string(b), "LF00000000018,invalid") {
		t.Errorf("report:\n%s", b)
	}
	if res := p.do(t, request{method: "GET", path: "/healthz"}); res.Status != http.StatusOK {
		t.Errorf("healthz after the upload: %d", res.Status)
	}
}
