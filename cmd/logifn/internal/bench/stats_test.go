package bench

import (
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var hundred []time.Duration
	for i := range 100 {
		hundred = append(hundred, time.Duration(i+1)*time.Millisecond)
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", []time.Duration{7}, 99, 7},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"p99 of ten is the max", hundred[:10], 99, 10 * time.Millisecond},
		{"tiny p is the min", hundred, 0.1, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummariseSortsAndFindsMax(t *testing.T) {
	got := Summarise([]time.Duration{5, 1, 9, 3, 7, 2, 8, 4, 6, 10})
	want := Latencies{P50: 5, P90: 9, P99: 10, Max: 10}
	if got != want {
		t.Errorf("Summarise = %+v, want %+v", got, want)
	}
	if got := Summarise(nil); got != (Latencies{}) {
		t.Errorf("Summarise(nil) = %+v, want zeros", got)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3}, 3},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 in integer nanoseconds
		{[]time.Duration{10, 20}, 15},
	}
	for _, tt := range tests {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRatio(t *testing.T) {
	tests := []struct{ a, b, want float64 }{
		{50, 100, 0.5},
		{300, 200, 1.5},
		{0, 100, 0},
		{100, 0, 0}, // no baseline, no ratio
	}
	for _, tt := range tests {
		if got := Ratio(tt.a, tt.b); got != tt.want {
			t.Errorf("Ratio(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLoadedRateAndCPU(t *testing.T) {
	l := Loaded{Ops: 1000, Errors: 200, Elapsed: 2 * time.Second, CPU: 500 * time.Millisecond}
	if got := l.Rate(); got != 400 {
		t.Errorf("Rate = %v, want 400 successful ops/s", got)
	}
	if got := l.CPUPerOp(); got != 500 {
		t.Errorf("CPUPerOp = %v us, want 500", got)
	}
	if got := (Loaded{}).Rate(); got != 0 {
		t.Errorf("Rate of nothing = %v, want 0", got)
	}
}

func TestLoadCountsOpsAndErrors(t *testing.T) {
	var calls int64
	l := Load(t.Context(), 1, 0, 30*time.Millisecond, nil, func(ctx context.Context, c int) error {
		calls++
		time.Sleep(time.Millisecond)
		if calls%2 == 0 {
			return errors.New("even")
		}
		return nil
	})
	if l.Ops != calls || l.Ops < 5 {
		t.Fatalf("Ops = %d, calls = %d; want equal and at least 5", l.Ops, calls)
	}
	if l.Errors != calls/2 || l.FirstErr == nil {
		t.Errorf("Errors = %d (first %v), want %d", l.Errors, l.FirstErr, calls/2)
	}
	if l.Lat.P50 < time.Millisecond || l.Lat.Max < l.Lat.P50 {
		t.Errorf("latencies %+v, want each at least 1ms", l.Lat)
	}
}

// TestInterleaveAlternates: two workloads measured in three rounds take
// turns (A B A B A B), and each is measured for its whole time.
func TestInterleaveAlternates(t *testing.T) {
	var mu sync.Mutex
	var order []int
	op := func(id int) Op {
		return func(ctx context.Context, c int) error {
			mu.Lock()
			if len(order) == 0 || order[len(order)-1] != id {
				order = append(order, id)
			}
			mu.Unlock()
			time.Sleep(time.Millisecond)
			return nil
		}
	}
	got := Interleave(t.Context(), 0, 60*time.Millisecond, 3, Workload{Clients: 2, Op: op(0)}, Workload{Clients: 1, Op: op(1)})
	if want := []int{0, 1, 0, 1, 0, 1}; !slices.Equal(order, want) {
		t.Errorf("turns %v, want %v", order, want)
	}
	for i, l := range got {
		if l.Elapsed < 55*time.Millisecond || l.Ops < 10 || l.Errors != 0 {
			t.Errorf("workload %d: %v elapsed, %d ops, %d errors; want about 60ms of ops", i, l.Elapsed, l.Ops, l.Errors)
		}
	}
	if got[0].Ops <= got[1].Ops {
		t.Errorf("two clients did %d ops, one client %d: want more from two", got[0].Ops, got[1].Ops)
	}
}

func TestParseMakefileFlags(t *testing.T) {
	mk := "GO ?= go\nLDFLAGS  := -s -w\n# comment\nTAGS     := lambda.norpc,nosqlite\nbuild: ## x\n\t$(GO) build -tags $(TAGS)\n"
	got, err := parseMakefileFlags(mk)
	if err != nil || got != (BuildFlags{Tags: "lambda.norpc,nosqlite", LDFlags: "-s -w"}) {
		t.Errorf("parseMakefileFlags = %+v, %v", got, err)
	}
	// make build builds for Function Compute with FC_TAGS, which extends TAGS.
	got, err = parseMakefileFlags(mk + "FC_TAGS     := $(TAGS),nos3\nLAMBDA_TAGS := $(TAGS),nooss\n")
	if err != nil || got != (BuildFlags{Tags: "lambda.norpc,nosqlite,nos3", LDFlags: "-s -w"}) {
		t.Errorf("parseMakefileFlags with FC_TAGS = %+v, %v", got, err)
	}
	if _, err := parseMakefileFlags("all:\n\ttrue\n"); err == nil {
		t.Error("a Makefile without LDFLAGS gave no error")
	}
	if got := withoutTag("lambda.norpc,nosqlite", "nosqlite"); got != "lambda.norpc" {
		t.Errorf("withoutTag = %q", got)
	}
}

func TestLittleMS(t *testing.T) {
	for _, c := range []struct {
		clients int
		rate    float64
		want    float64
	}{{64, 6400, 10}, {64, 4561, 14.03}, {1, 2000, 0.5}, {64, 0, 0}} {
		if got := littleMS(c.clients, c.rate); math.Abs(got-c.want) > 0.01 {
			t.Errorf("littleMS(%d, %v) = %.3f, want %.2f", c.clients, c.rate, got, c.want)
		}
	}
}
