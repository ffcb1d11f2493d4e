package registry_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
)

// TestFunctionsThatNeedObjectsRefuseToStartWithoutThem: the photo
// functions fail to build without object storage, naming the setting.
// The daily report keeps its CSV files only when it has a bucket, and the
// scan-file ingest starts and fails each object with a retryable error
// until storage is configured (the Lambda event contract relies on it).
func TestFunctionsThatNeedObjectsRefuseToStartWithoutThem(t *testing.T) {
	need := []string{"image-list", "image-upload", "waybill-image-ingest"}
	var refused []string
	for _, spec := range registry.All() {
		if !spec.Bucket {
			continue
		}
		_, err := spec.New(&app.Deps{Now: time.Now})
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), "LOGIFN_BLOB_DRIVER") {
			t.Errorf("%s without object storage: %v; want the setting named", spec.Name, err)
		}
		refused = append(refused, spec.Name)
	}
	slices.Sort(refused)
	if !slices.Equal(refused, need) {
		t.Errorf("refused to start without object storage: %v, want %v", refused, need)
	}
}
