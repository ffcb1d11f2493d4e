package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Progress tells the person waiting what the run is doing: a bar redrawn
// in place on a terminal, a line per step anywhere else.
type Progress struct {
	w    io.Writer
	tty  bool
	mu   sync.Mutex
	step int
	name string
	done chan struct{}
	wg   sync.WaitGroup
}

// NewProgress writes progress to w; tty draws a bar. Use IsTerminal to
// decide.
func NewProgress(w io.Writer, tty bool) *Progress { return &Progress{w: w, tty: tty} }

// IsTerminal reports whether w is a character device, such as a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Step announces a step expected to take about d (0: unknown) and, on a
// terminal, redraws its bar until the next Step or Done.
func (p *Progress) Step(name string, d time.Duration) {
	p.stop()
	p.mu.Lock()
	p.step++
	p.name = name
	p.mu.Unlock()
	if !p.tty {
		fmt.Fprintf(p.w, "bench: [%d] %s\n", p.step, name)
		return
	}
	p.done = make(chan struct{})
	began := time.Now()
	p.wg.Add(1)
	go func(done chan struct{}) {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			p.draw(began, d)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}(p.done)
}

// Done ends the last step and clears the bar.
func (p *Progress) Done() {
	p.stop()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func (p *Progress) stop() {
	if p.done != nil {
		close(p.done)
		p.wg.Wait()
		p.done = nil
	}
}

func (p *Progress) draw(began time.Time, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[K%s", Bar(p.step, p.name, time.Since(began), d, 30))
}

// Bar renders one progress line: step number, a bar of width cells filled
// by elapsed over expected (a spinner-free count of seconds when expected
// is unknown), and the step's name.
func Bar(step int, name string, elapsed, expected time.Duration, width int) string {
	if expected <= 0 {
		return fmt.Sprintf("[%d] %5.1fs %s", step, elapsed.Seconds(), name)
	}
	frac := min(float64(elapsed)/float64(expected), 1)
	filled := int(frac * float64(width))
	return fmt.Sprintf("[%d] [%s%s] %3.0f%% %s", step, strings.Repeat("#", filled), strings.Repeat(".", width-filled), frac*100, name)
}
