package batch

import (
	"math/bits"
	"time"
)

// latHist is a latency histogram of fixed size: values in microseconds,
// exact below 64µs, then 32 buckets per power of two (about 3%).
type latHist struct {
	counts [64 + 48*32]int64
	total  int64
	trips  int
	max    time.Duration
}

func latBucket(us uint64) int {
	if us < 64 {
		return int(us)
	}
	e := bits.Len64(us) - 6 // us >> e is in [32, 63]
	i := 64 + (e-1)*32 + int(us>>e) - 32
	return min(i, 64+48*32-1)
}

// latUpper is the largest value of bucket i.
func latUpper(i int) uint64 {
	if i < 64 {
		return uint64(i)
	}
	e := (i-64)/32 + 1
	m := uint64((i-64)%32 + 32)
	return (m+1)<<e - 1
}

func (h *latHist) add(d time.Duration, weight int) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	h.counts[latBucket(uint64(us))] += int64(weight)
	h.total += int64(weight)
	h.trips++
	h.max = max(h.max, d)
}

func (h *latHist) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := int64(q*float64(h.total) + 0.5)
	rank = min(max(rank, 1), h.total)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(latUpper(i))*time.Microsecond, h.max)
		}
	}
	return h.max
}

func (h *latHist) summary() Latency {
	return Latency{P50: h.quantile(0.50), P90: h.quantile(0.90), P99: h.quantile(0.99), Max: h.max, RoundTrips: h.trips}
}
