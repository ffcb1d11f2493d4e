package bench

import (
	"context"
	"sync"
	"time"
)

// Op is one operation of a load, by one of its clients.
type Op func(ctx context.Context, client int) error

// Loaded is what a load measured.
type Loaded struct {
	Ops      int64
	Errors   int64
	Elapsed  time.Duration
	Lat      Latencies
	CPU      time.Duration // of the process cpu named, over the measured phases
	FirstErr error
	samples  []time.Duration
}

// Rate is the operations that succeeded per second.
func (l Loaded) Rate() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Ops-l.Errors) / l.Elapsed.Seconds()
}

// CPUPerOp is the CPU time per operation, in microseconds.
func (l Loaded) CPUPerOp() float64 {
	if l.Ops == 0 {
		return 0
	}
	return float64(l.CPU) / float64(time.Microsecond) / float64(l.Ops)
}

// Workload is a load to measure: op from Clients concurrent clients, and
// the CPU time of the process serving it (nil: not measured).
type Workload struct {
	Clients int
	CPU     func() time.Duration
	Op      Op
}

// Load runs w in a closed loop: first for warmup, unmeasured, then for d,
// measuring every operation's latency and the CPU time over the phase.
func Load(ctx context.Context, clients int, warmup, d time.Duration, cpu func() time.Duration, op Op) Loaded {
	return Interleave(ctx, warmup, d, 1, Workload{Clients: clients, CPU: cpu, Op: op})[0]
}

// Interleave measures several workloads for d each, in rounds: each round
// runs every workload for d/rounds, one after the other, so that a
// change in the machine's load during the measurement (it is shared)
// touches all of them alike and their ratios hold. Each workload first
// runs for warmup, unmeasured.
func Interleave(ctx context.Context, warmup, d time.Duration, rounds int, ws ...Workload) []Loaded {
	rounds = max(rounds, 1)
	out := make([]Loaded, len(ws))
	if warmup > 0 {
		for _, w := range ws {
			phase(ctx, w, warmup, false, &Loaded{})
		}
	}
	for range rounds {
		for i, w := range ws {
			phase(ctx, w, d/time.Duration(rounds), true, &out[i])
		}
	}
	for i := range out {
		out[i].Ops = int64(len(out[i].samples))
		out[i].Lat = Summarise(out[i].samples)
		out[i].samples = nil
	}
	return out
}

// phase runs w until d has passed and, when measure is set, adds what it
// saw to into.
func phase(ctx context.Context, w Workload, d time.Duration, measure bool, into *Loaded) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type tally struct {
		lat      []time.Duration
		errors   int64
		firstErr error
	}
	clients := max(w.Clients, 1)
	tallies := make([]tally, clients)
	var cpu0 time.Duration
	if measure && w.CPU != nil {
		cpu0 = w.CPU()
	}
	began := time.Now()
	deadline := began.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			t := &tallies[c]
			for ctx.Err() == nil && time.Now().Before(deadline) {
				start := time.Now()
				err := w.Op(ctx, c)
				t.lat = append(t.lat, time.Since(start))
				if err != nil {
					t.errors++
					if t.firstErr == nil {
						t.firstErr = err
					}
				}
			}
		})
	}
	wg.Wait()
	if !measure {
		return
	}
	into.Elapsed += time.Since(began)
	if w.CPU != nil {
		into.CPU += w.CPU() - cpu0
	}
	for _, t := range tallies {
		into.samples = append(into.samples, t.lat...)
		into.Errors += t.errors
		if into.FirstErr == nil {
			into.FirstErr = t.firstErr
		}
	}
}
