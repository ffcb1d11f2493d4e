package waybillimageingest_test

import (
	"fmt"
	"testing"

	"github.com/logifn/logifn/shared/store/storetest"
)

// BenchmarkIngestPhoto1MP measures one 1200 × 900 JPEG photo through the
// whole handler: read from the bucket, header checks, decoding, barcode
// reading, thumbnail, and the record and event on SQLite. A photo without
// a barcode is the slowest: every view is tried. Run with
//
//	go test -run '^$' -bench IngestPhoto ./functions/waybill-image-ingest/
func BenchmarkIngestPhoto1MP(b *testing.B) {
	for _, bc := range []struct {
		name string
		shot shot
	}{
		{"code128", shot{Content: "LF00000000019", Scale: 1.1, Angle: 2, Seed: 51}},
		{"qr", shot{Content: "LF00000000019", QR: true, Scale: 0.9, Angle: -2, Seed: 52}},
		{"no_barcode", shot{Blank: true, Seed: 53}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := newEnv(b, storetest.SQLite(b))
			data := photo(b, bc.shot)
			n := 0
			for b.Loop() {
				b.StopTimer()
				obj := e.upload(b, photoKey("t1", e.sh.Waybill, "label", fmt.Sprintf("bench%d", n), "jpg"), data)
				n++
				b.StartTimer()
				if err := e.handle(e.ctx, obj); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/photo")
		})
	}
}
