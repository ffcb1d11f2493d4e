package scanfileingest_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// segment is a run of a generated object: data, repeated times over.
type segment struct {
	data   string
	repeat int64
}

// generated is a bucket holding one large object, key, whose bytes are
// made up as they are read, so that a test can read 100 MB without
// holding them; every other object lives in a memblob.
type generated struct {
	*memblob.Store
	key  string
	segs []segment
	size int64
}

func newGenerated(b *memblob.Store, key string, segs []segment) *generated {
	g := &generated{Store: b, key: key, segs: segs}
	for _, s := range segs {
		g.size += int64(len(s.data)) * s.repeat
	}
	return g
}

func (g *generated) Stat(ctx context.Context, key string) (blob.Object, error) {
	if key != g.key {
		return g.Store.Stat(ctx, key)
	}
	return blob.Object{Key: key, Size: g.size, ETag: "generated-1"}, nil
}

func (g *generated) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if key != g.key {
		return g.Store.Open(ctx, key, offset, length)
	}
	end := g.size
	if length >= 0 && offset+length < end {
		end = offset + length
	}
	return io.NopCloser(&genReader{g: g, pos: offset, end: end}), nil
}

type genReader struct {
	g        *generated
	pos, end int64
}

// Read copies the bytes at r.pos from the segment they fall in.
func (r *genReader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.pos < r.end {
		base := int64(0)
		for _, s := range r.g.segs {
			size := int64(len(s.data)) * s.repeat
			if r.pos < base+size {
				at := (r.pos - base) % int64(len(s.data))
				c := copy(p[n:], s.data[at:min(int64(len(s.data)), at+r.end-r.pos)])
				n += c
				r.pos += int64(c)
				break
			}
			base += size
		}
	}
	return n, nil
}

// TestHostile100MBFile applies a 100 MB scan file of two huge lines (with
// bad bytes in one) around a thousand lines that are not UTF-8 and a few
// good ones. Every line gets its outcome, the good scans are recorded, and
// memory stays far below the file's size.
func TestHostile100MBFile(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 100 MB; skipped with -short")
	}
	clk := newClock()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, clk, 20, scanfileingest.Options{})
		clk.Advance(2 * time.Hour)
		var good1, good2 strings.Builder
		for _, sh := range e.ships {
			good1.WriteString(row(sh.Waybill, "pickup", station, at(10)))
			good2.WriteString(row(sh.Waybill, "arrive", station, at(20)))
		}
		const key = "scans/t1/SHA01/hostile.csv"
		g := newGenerated(e.bucket, key, []segment{
			{csvHeader, 1},
			{good1.String(), 1},
			{string(e.ships[0].Waybill) + ",pickup,SHA01,", 1},
			{strings.Repeat("\xff\xfe\x00\x1bgarbage,\"", 4096), 1 << 10}, // 48 MiB in one line
			{"\n", 1},
			{string(e.ships[1].Waybill) + ",arrive,SHA01,\xc3\x28," + at(15) + "\n", 1000},
			{strings.Repeat("A", 64<<10), 832}, // 52 MiB more in one line
			{"\n", 1},
			{good2.String(), 1},
			{"LF00000000018,arrive,SHA01," + at(20) + ",scanner-7,,", 1}, // no line ending
		})
		fn := scanfileingest.New(st, g, clk.Now, scanfileingest.Options{Invoker: e.local, Function: scanfileingest.Name})
		e.local.Register(scanfileingest.Name, fn.Tick)
		e.fn = fn

		stop := watchHeap()
		start := time.Now()
		e.deliver(platform.ObjectCreated{Bucket: bucket, Key: key, Size: g.size, ETag: "generated-1"})
		peak := stop()
		t.Logf("%d MB applied in %s, heap grew by at most %d MB", g.size>>20, time.Since(start).Round(time.Millisecond), peak>>20)
		if g.size < 100<<20 {
			t.Fatalf("the file has %d bytes, want 100 MB", g.size)
		}
		if peak > 40<<20 {
			t.Errorf("the heap grew by %d MB while applying the file, want it bounded far below the file's %d MB", peak>>20, g.size>>20)
		}

		rows := e.report(key)[1:]
		counts := map[string]int{}
		for _, r := range rows {
			counts[r[2]]++
		}
		want := map[string]int{"created": 40, "invalid": 1003}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Errorf("outcomes %v, want %v", counts, want)
		}
		lastLine := 1 + 20 + 1 + 1000 + 1 + 20 + 1
		if len(rows) != lastLine-1 || rows[len(rows)-1][0] != fmt.Sprint(lastLine) {
			t.Errorf("%d rows, the last %v; want %d rows up to line %d", len(rows), rows[len(rows)-1], lastLine-1, lastLine)
		}
		for _, want := range []struct{ line, reason string }{
			{"22", "longer than 65536 bytes"},
			{"23", "not UTF-8"},
			{"1023", "longer than 65536 bytes"},
			{"1044", "wrong check digit"},
		} {
			for _, r := range rows {
				if r[0] == want.line && !strings.Contains(r[3], want.reason) {
					t.Errorf("line %s: %v, want a reason with %q", want.line, r, want.reason)
				}
			}
		}
		for i := range e.ships {
			if got := e.timeline(i); len(got) != 3 {
				t.Errorf("shipment %d's timeline %v, want its creation, pickup and arrival", i, got)
			}
		}
	}, storetest.WithClock(clk.Now))
}

// watchHeap samples the heap until the returned function is called, which
// returns by how much it grew at most.
func watchHeap() func() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
					peak.Store(ms.HeapAlloc - base)
				}
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}
