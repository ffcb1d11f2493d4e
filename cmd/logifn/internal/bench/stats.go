package bench

import (
	"math"
	"slices"
	"time"
)

// Latencies summarises a set of latencies.
type Latencies struct {
	P50 time.Duration
	P90 time.Duration
	P99 time.Duration
	Max time.Duration
}

// Summarise returns the percentiles of samples by the nearest-rank method:
// the p-th percentile is the smallest sample at or above p percent of them.
// samples is sorted in place. No samples give zeros.
func Summarise(samples []time.Duration) Latencies {
	if len(samples) == 0 {
		return Latencies{}
	}
	slices.Sort(samples)
	return Latencies{P50: Percentile(samples, 50), P90: Percentile(samples, 90), P99: Percentile(samples, 99),
		Max: samples[len(samples)-1]}
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Median returns the median of samples (the mean of the middle two for an
// even count); samples is sorted in place.
func Median(samples []time.Duration) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	slices.Sort(samples)
	n := len(samples)
	if n%2 == 1 {
		return samples[n/2]
	}
	return (samples[n/2-1] + samples[n/2]) / 2
}

// Ratio returns a/b, or 0 when b is 0: a missing baseline gives no ratio
// rather than an infinite one.
func Ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// ms returns d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
