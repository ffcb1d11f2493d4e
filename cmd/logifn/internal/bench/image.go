package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"

	waybillimageingest "github.com/logifn/logifn/functions/waybill-image-ingest"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/objectkey"
	"github.com/logifn/logifn/shared/platform"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// Limits of the image ingest targets.
const (
	maxPhotoCPU  = 150 * time.Millisecond
	maxPhotoPeak = 100_000_000
)

// image measures 1-megapixel label photos (1200 x 900 JPEG, a Code 128
// barcode of the shipment's waybill on a noisy background) through
// waybill-image-ingest, built by its spec in this process on an in-memory
// bucket: CPU time per photo and the peak growth of the memory the Go
// runtime holds while one photo is ingested.
func (r *runner) image(ctx context.Context) error {
	w := r.world
	r.prog.Step("image: generating a photo", 0)
	wbs, err := w.createShipments(ctx, 1)
	if err != nil {
		return err
	}
	photo, err := labelPhoto(string(wbs[0]), 1200, 900, 7)
	if err != nil {
		return err
	}
	spec := waybillimageingest.Spec()
	h, err := spec.New(w.Deps)
	if err != nil {
		return err
	}
	ctx = w.functionContext(ctx, spec.Name)
	r.prog.Step(fmt.Sprintf("image: %d photos", r.opt.Photos), time.Duration(r.opt.Photos)*300*time.Millisecond)
	var lat []time.Duration
	var cpu time.Duration
	var peak uint64
	for range r.opt.Photos {
		k, err := objectkey.NewImage(demo.Tenant, wbs[0], objectkey.PhotoLabel, "image/jpeg")
		if err != nil {
			return err
		}
		obj, err := w.Blob.Put(ctx, k.Key(), bytes.NewReader(photo), int64(len(photo)), "image/jpeg")
		if err != nil {
			return err
		}
		ev := platform.ObjectCreated{Bucket: w.Blob.Bucket(), Key: k.Key(), Size: obj.Size, ETag: obj.ETag, ContentType: "image/jpeg", Time: time.Now()}
		var took, used time.Duration
		grew, err := peakGrowth(func() error {
			c0, t0 := selfCPU(), time.Now()
			err := h.Object(ctx, ev)
			took, used = time.Since(t0), selfCPU()-c0
			return err
		})
		if err != nil {
			return fmt.Errorf("ingest a photo: %w", err)
		}
		lat, cpu, peak = append(lat, took), cpu+used, max(peak, grew)
	}
	n := len(lat)
	row := Row{Scenario: "image", Name: "1 MP JPEG label photo (1200x900, Code 128), in-process", Ops: int64(n), Clients: 1,
		CPUPerOpUS: float64(cpu.Microseconds()) / float64(n), CPUOf: "whole process",
		Figures: []Figure{{Name: "peak memory growth", Value: mib(int64(peak)), Unit: "MiB"}}}
	for _, l := range lat {
		row.Seconds += l.Seconds()
	}
	row.Rate, row.Unit = float64(n)/row.Seconds, "photos/s"
	row = row.withLatencies(Summarise(lat))
	r.rep.Rows = append(r.rep.Rows, row)
	r.rep.check("image", "<= 150 ms CPU per 1 MP photo", row.CPUPerOpUS <= float64(maxPhotoCPU.Microseconds()), "%.0f ms (wall p50 %.0f ms)",
		row.CPUPerOpUS/1000, row.P50MS)
	r.rep.check("image", "<= 100 MB peak memory per 1 MP photo", peak <= maxPhotoPeak, "%.1f MB", float64(peak)/1e6)
	return nil
}

// peakGrowth runs fn after a collection and returns by how much the memory
// the Go runtime holds from the system (mapped, not released) grew at its
// highest while fn ran, sampled every half millisecond.
func peakGrowth(fn func() error) (uint64, error) {
	runtime.GC()
	debug.FreeOSMemory()
	before := heldMemory()
	var peak atomic.Uint64
	peak.Store(before)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			if m := heldMemory(); m > peak.Load() {
				peak.Store(m)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := fn()
	close(stop)
	<-done
	if m := heldMemory(); m > peak.Load() {
		peak.Store(m)
	}
	return peak.Load() - before, err
}

// heldMemory is the memory the Go runtime has mapped from the system and
// not released back: what it adds to the resident set at most.
func heldMemory() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

// labelPhoto draws a width x height JPEG: a grey, noisy background (as a
// camera sees a parcel) with a white label holding a Code 128 barcode of
// content, slightly off-centre.
func labelPhoto(content string, width, height int, seed uint64) ([]byte, error) {
	wr := oned.NewCode128Writer()
	narrow, err := wr.Encode(content, gozxing.BarcodeFormat_CODE_128, 0, 1, nil)
	if err != nil {
		return nil, err
	}
	bar, err := wr.Encode(content, gozxing.BarcodeFormat_CODE_128, 3*narrow.GetWidth(), 140, nil)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		for x := range width {
			v := uint8(110 + rng.IntN(40) + x*30/width)
			img.Set(x, y, color.RGBA{v, v - 8, v - 20, 255})
		}
	}
	bw, bh := bar.GetWidth(), bar.GetHeight()
	x0, y0 := (width-bw)/2+37, (height-bh)/2-21
	for y := y0 - 40; y < y0+bh+40; y++ {
		for x := x0 - 40; x < x0+bw+40; x++ {
			img.Set(x, y, color.RGBA{236, 236, 232, 255})
		}
	}
	for y := range bh {
		for x := range bw {
			if bar.Get(x, y) {
				img.Set(x0+x, y0+y, color.RGBA{20, 20, 24, 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
