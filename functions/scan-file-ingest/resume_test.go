package scanfileingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/invoke"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// journeyFile returns a CSV scan file of about n lines over e's
// shipments: round after round, every shipment gets the next scan of its
// journey, with now and then a repeated scan, an invalid line, a blank
// line and a scan the transition table forbids.
func journeyFile(e *env, n int) string {
	types := []string{"pickup", "arrive", "depart", "out_for_delivery", "deliver", "pickup"}
	var b strings.Builder
	b.WriteString(csvHeader)
	for i := 0; i < n; i++ {
		s, round := i%len(e.ships), i/len(e.ships)
		typ := types[round%len(types)]
		when := at(10*round + s%7)
		switch {
		case i%23 == 22:
			b.WriteString("LF00000000018,pickup," + station + "," + when + ",scanner-7,,\n")
		case i%19 == 18:
			b.WriteString("\n")
		case i%11 == 10 && round > 0:
			b.WriteString(row(e.ships[s].Waybill, types[(round-1)%len(types)], station, at(10*(round-1)+s%7+1)))
		default:
			b.WriteString(row(e.ships[s].Waybill, typ, station, when))
		}
	}
	return b.String()
}

// world is what a test compares between runs: the report, and every
// shipment's status, version and timeline.
func (e *env) world(key string) string {
	e.t.Helper()
	var b strings.Builder
	for _, r := range e.report(key) {
		fmt.Fprintln(&b, strings.Join(r, "|"))
	}
	for i := range e.ships {
		status, version := e.status(i)
		fmt.Fprintf(&b, "%d %s v%d %v\n", i, status, version, e.timeline(i))
	}
	return b.String()
}

// cleanWorld applies file once, undisturbed, on a fresh store from open,
// and returns the world it leaves.
func cleanWorld(t *testing.T, open opener, n int, key, file string) string {
	t.Helper()
	clk := newClock()
	e := newEnv(t, open(t, clk), clk, n, scanfileingest.Options{})
	clk.Advance(10 * time.Hour)
	e.deliver(e.put(key, file))
	return e.world(key)
}

// opener returns a fresh store on clk, closed when t ends.
type opener func(t testing.TB, clk *clock) *store.Store

// eachDriver runs fn as subtests "sqlite" and "mysql", each with an opener
// of fresh stores of that driver.
func eachDriver(t *testing.T, fn func(t *testing.T, open opener)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func(t testing.TB, clk *clock) *store.Store { return storetest.SQLite(t, storetest.WithClock(clk.Now)) })
	})
	t.Run("mysql", func(t *testing.T) {
		fn(t, func(t testing.TB, clk *clock) *store.Store { return storetest.MySQL(t, storetest.WithClock(clk.Now)) })
	})
}

// TestDeliveredThreeTimesAtOnce delivers the same event three times
// concurrently, for a file applied in one go and for one split into
// chunks: every line has exactly one effect, as in an undisturbed run.
func TestDeliveredThreeTimesAtOnce(t *testing.T) {
	eachDriver(t, func(t *testing.T, open opener) {
		const key = "scans/t1/SHA01/concurrent.csv"
		var want string
		for _, chunkBytes := range []int64{0, 700} {
			t.Run(fmt.Sprintf("chunk bytes %d", chunkBytes), func(t *testing.T) {
				clk := newClock()
				st := open(t, clk)
				e := newEnv(t, st, clk, 12, scanfileingest.Options{ChunkBytes: chunkBytes, BatchLines: 10})
				file := journeyFile(e, 100)
				if want == "" {
					want = cleanWorld(t, open, 12, key, file)
				}
				clk.Advance(10 * time.Hour)
				ev := e.put(key, file)
				var wg sync.WaitGroup
				for range 3 {
					wg.Go(func() { e.deliver(ev) })
				}
				wg.Wait()
				if got := e.world(key); got != want {
					t.Errorf("after three concurrent deliveries:\n%s\nwant, as in one undisturbed run of the whole file:\n%s", got, want)
				}
				if chunkBytes > 0 {
					f, _ := st.ScanFile(context.Background(), tenant, bucket, key, ev.ETag)
					if chunks, _ := st.ScanChunks(context.Background(), tenant, f.ID); len(chunks) < 5 {
						t.Errorf("the file was split into %d chunks, want several", len(chunks))
					}
				}
			})
		}
	})
}

// dyingStore is a store whose deliveries die without cleaning up: a
// released lease stays held, as when the process is killed.
type dyingStore struct {
	*store.Store
}

func (dyingStore) ReleaseScanChunk(context.Context, string, int64, int, string) error { return nil }

// failingBlob is a bucket whose reads of scan files fail after a number
// of bytes while fail is set: a connection cut, or a process killed while
// reading. Reads are small, so failures land mid-file.
type failingBlob struct {
	blob.Store
	after  int64 // bytes read in all, across readers
	read   atomic.Int64
	fail   atomic.Bool
	onFail func()
}

func (b *failingBlob) Open(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	r, err := b.Store.Open(ctx, key, offset, length)
	if err != nil || !b.fail.Load() || !strings.HasPrefix(key, scanfileingest.ScansPrefix) {
		return r, err
	}
	return &failingReader{r: r, b: b}, nil
}

type failingReader struct {
	r io.ReadCloser
	b *failingBlob
}

var errCut = errors.New("connection cut")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.b.fail.Load() && r.b.read.Load() >= r.b.after {
		if r.b.onFail != nil {
			r.b.onFail()
		}
		return 0, errCut
	}
	n, err := r.r.Read(p[:min(len(p), 97)])
	r.b.read.Add(int64(n))
	return n, err
}

func (r *failingReader) Close() error { return r.r.Close() }

// TestKilledPartWayAndDeliveredAgain kills an ingest part-way, then
// delivers the event again: the file ends with exactly the rows and the
// report of an undisturbed run. A cancelled delivery gives its lease up;
// a killed one cannot, and the next delivery takes over once its lease
// runs out.
func TestKilledPartWayAndDeliveredAgain(t *testing.T) {
	eachDriver(t, func(t *testing.T, open opener) {
		const key = "scans/t1/SHA01/killed.csv"
		var want string
		for _, tt := range []struct {
			name       string
			chunkBytes int64
			killed     bool
		}{
			{"cancelled", 0, false},
			{"killed", 0, true},
			{"chunk worker killed", 900, true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				clk := newClock()
				st := open(t, clk)
				e := newEnv(t, st, clk, 10, scanfileingest.Options{})
				file := journeyFile(e, 150)
				if want == "" {
					want = cleanWorld(t, open, 10, key, file)
				}
				clk.Advance(10 * time.Hour)

				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				fb := &failingBlob{Store: e.bucket, after: int64(len(file)) / 2, onFail: cancel}
				fb.fail.Store(true)
				var fnStore scanfileingest.Store = st
				if tt.killed {
					fnStore = dyingStore{st}
				}
				opt := scanfileingest.Options{ChunkBytes: tt.chunkBytes, BatchLines: 10, Lease: time.Minute,
					Invoker: e.local, Function: scanfileingest.Name}
				fn := scanfileingest.New(fnStore, fb, clk.Now, opt)
				e.local.Register(scanfileingest.Name, fn.Tick)
				ev := e.put(key, file)

				err := fn.Object(ctx, ev)
				e.local.Wait()
				if tt.chunkBytes == 0 && !platform.Retryable(err) {
					t.Fatalf("first delivery: err = %v, want a retryable failure", err)
				}
				if rows := appliedLines(t, st, ev); rows == 0 || rows >= 140 {
					t.Fatalf("%d lines applied before the failure, want some but not all", rows)
				}
				fb.fail.Store(false)
				if tt.killed {
					// The dead delivery's lease holds the file for a while: a
					// delivery now is told to come back (or, for a chunked
					// file, leaves the chunk to its holder).
					err := fn.Object(context.Background(), ev)
					e.local.Wait()
					if de := asDomain(err); (de == nil || de.Code != "scan_file_busy" || !platform.Retryable(err)) && (tt.chunkBytes == 0 || err != nil) {
						t.Fatalf("delivery while the dead one's lease holds: %v, want retryable scan_file_busy", err)
					}
					if rows := appliedLines(t, st, ev); rows >= 140 {
						t.Fatalf("%d lines applied while the dead delivery's lease held", rows)
					}
					clk.Advance(opt.Lease + time.Second)
				}
				e.fn = fn
				e.deliver(ev)
				if got := e.world(key); got != want {
					t.Errorf("after a %s delivery and another:\n%s\nwant, as in one undisturbed run:\n%s", tt.name, got, want)
				}
			})
		}
	})
}

// appliedLines counts the lines of the file of ev that have an outcome.
func appliedLines(t *testing.T, st *store.Store, ev platform.ObjectCreated) int {
	t.Helper()
	f, err := st.ScanFile(context.Background(), tenant, ev.Bucket, ev.Key, ev.ETag)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.ScanOutcomes(context.Background(), tenant, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += int(c)
	}
	return n
}

func asDomain(err error) *domain.Error {
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	return nil
}

// lostInvoker accepts calls and never runs them: invocations a platform
// dropped for good.
type lostInvoker struct{ calls atomic.Int32 }

func (l *lostInvoker) Invoke(ctx context.Context, c invoke.Call) error {
	l.calls.Add(1)
	return nil
}

// TestResumeSchedule loses work twice, the invocation of a chunk and a
// delivery that died with nothing to deliver the event again: the resume
// schedule takes each file over once it has made no progress for a while,
// and each ends as an undisturbed run would.
func TestResumeSchedule(t *testing.T) {
	eachDriver(t, func(t *testing.T, open opener) {
		const key = "scans/t1/SHA01/lost.csv"
		var want string
		for _, tt := range []struct {
			name       string
			chunkBytes int64
		}{{"chunk invocation lost", 700}, {"delivery died", 0}} {
			t.Run(tt.name, func(t *testing.T) {
				clk := newClock()
				st := open(t, clk)
				e := newEnv(t, st, clk, 10, scanfileingest.Options{})
				file := journeyFile(e, 100)
				if want == "" {
					want = cleanWorld(t, open, 10, key, file)
				}
				clk.Advance(10 * time.Hour)
				ev := e.put(key, file)
				lost := &lostInvoker{}
				fb := &failingBlob{Store: e.bucket, after: int64(len(file)) / 2}
				fb.fail.Store(tt.chunkBytes == 0)
				first := scanfileingest.New(dyingStore{st}, fb, clk.Now, scanfileingest.Options{ChunkBytes: tt.chunkBytes, BatchLines: 10, Invoker: lost})
				err := first.Object(context.Background(), ev)
				if tt.chunkBytes > 0 && (err != nil || lost.calls.Load() != 1) {
					t.Fatalf("first delivery: %v, %d invocations; want one, lost", err, lost.calls.Load())
				}
				if tt.chunkBytes == 0 && !platform.Retryable(err) {
					t.Fatalf("first delivery: %v, want it to die", err)
				}
				fb.fail.Store(false)

				// Too early: the file may yet make progress.
				if err := e.fn.Tick(context.Background(), platform.Tick{Name: scanfileingest.ResumeTick, Time: clk.Now()}); err != nil {
					t.Fatal(err)
				}
				e.local.Wait()
				if keys := e.bucket.Keys("scan-results/"); len(keys) != 0 {
					t.Fatalf("resumed before the file went stale: %v", keys)
				}
				clk.Advance(16 * time.Minute)
				if err := e.fn.Tick(context.Background(), platform.Tick{Name: scanfileingest.ResumeTick, Time: clk.Now()}); err != nil {
					t.Fatal(err)
				}
				e.local.Wait()
				if got := e.world(key); got != want {
					t.Errorf("after the resume schedule:\n%s\nwant, as in one undisturbed run:\n%s", got, want)
				}
			})
		}
	})
}
