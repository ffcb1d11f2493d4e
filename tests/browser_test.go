package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/logifn/logifn/shared/domain"
)

// The web console in a real headless Chromium, against `logifn serve` as
// built: tracking, sign-in per role, creating a shipment, recording a scan,
// a refused action in words, photos, and the check digit in the page.
// LOGIFN_SCREENSHOTS=1 also writes the main screens to docs/screenshots.

// browserTimeout bounds one step in the browser: a navigation, a wait.
const browserTimeout = 20 * time.Second

// chromium returns the browser to drive, skipping the test when there is
// none; under CI a missing browser fails instead.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium to run the browser tests: install it (apt-get install chromium); .ci/run does")
	}
	t.Skip("no Chromium found (chromium, chromium-browser, google-chrome): the browser tests need one; apt-get install chromium")
	return ""
}

// browser is one headless Chromium for a test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"), chromedp.Flag("hide-scrollbars", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return &browser{t: t, ctx: ctx, base: base}
}

// tab is one browser tab: its own session storage, so its own sign-in.
type tab struct {
	b   *browser
	t   *testing.T
	ctx context.Context
}

// tab opens a new tab whose browser prefers the languages acceptLanguage
// names.
func (b *browser) tab(t *testing.T, acceptLanguage string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	// The first action opens the tab, which lives as long as the context of
	// that call: it gets no timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{b: b, t: t, ctx: ctx}
	ua := evalIn[string](tb, "navigator.userAgent")
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: strings.Replace(ua, "HeadlessChrome", "Chrome", 1), AcceptLanguage: acceptLanguage})
		return err
	}))
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("in the browser: %v\npage text: %.1500s", err, tb.pageText())
	}
}

// pageText is what the page says, for failure messages.
func (tb *tab) pageText() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	return s
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.b.base + path))
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("text of %s: %v\npage text: %.1500s", sel, err, tb.pageText())
	}
	return strings.TrimSpace(s)
}

func evalIn[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %.200s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func (tb *tab) waitFor(what, cond string) {
	tb.t.Helper()
	deadline := time.Now().Add(browserTimeout)
	for !evalIn[bool](tb, "!!("+cond+")") {
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited %s for %s (%s)\npage text: %.1500s", browserTimeout, what, cond, tb.pageText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setField sets a form control's value as typing would, firing input and
// change so the page reacts.
func (tb *tab) setField(sel, value string) {
	tb.t.Helper()
	js, _ := json.Marshal(value)
	sj, _ := json.Marshal(sel)
	tb.waitFor(sel, "document.querySelector("+string(sj)+")")
	evalIn[bool](tb, fmt.Sprintf(`(() => { const el = document.querySelector(%s); el.focus(); el.value = %s;
		el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, sj, js))
}

// signIn signs the tab in as a demo role with the one-click buttons the
// local platform offers.
func (tb *tab) signIn(role domain.Role) {
	tb.t.Helper()
	tb.open("/#/signin")
	tb.do(chromedp.WaitVisible(chromedp.CSS(`button.role[data-role="`+string(role)+`"]`)),
		chromedp.Click(chromedp.CSS(`button.role[data-role="`+string(role)+`"]`)))
	tb.waitFor("the shipment list after sign-in", `location.hash === '#/shipments' && document.querySelector('table.shipments, main p.muted:not(:empty)')`)
}

// shot writes the page to docs/screenshots/name.png when
// LOGIFN_SCREENSHOTS=1, at the tab's viewport width and the page's height.
func (tb *tab) shot(name string) {
	tb.t.Helper()
	if os.Getenv("LOGIFN_SCREENSHOTS") != "1" {
		return
	}
	time.Sleep(150 * time.Millisecond) // let fonts and images settle
	ctx, cancel := context.WithTimeout(tb.ctx, browserTimeout)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	root, err := moduleRoot()
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", "screenshots", name+".png"), b, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

func TestBrowserConsole(t *testing.T) {
	skipShort(t)
	chromium(t) // skip before building anything when there is no browser
	bins := binaries(t)
	data := t.TempDir()
	p := startServer(t, "logifn serve", bins.logifn(), func(port string) ([]string, env) {
		return []string{"serve", "--addr", "127.0.0.1:" + port, "--data", data}, nil
	})
	checkBanner(t, p)
	b := newBrowser(t, p.base)
	admin := token(t, demoUser(t, domain.RoleAdmin), 0)

	t.Run("check digit in the page", func(t *testing.T) { browserCheckDigit(t, b) })
	t.Run("tracking a demo waybill", func(t *testing.T) { browserTracking(t, b, p, admin) })
	t.Run("signing in as each role", func(t *testing.T) { browserRoles(t, b) })
	var created string
	t.Run("creating a shipment", func(t *testing.T) { created = browserCreate(t, b, p, admin) })
	if created == "" {
		t.Fatal("no shipment was created; the scan flows need one")
	}
	t.Run("recording a scan", func(t *testing.T) { browserScan(t, b, created) })
	t.Run("a refused action in words", func(t *testing.T) { browserRefused(t, b, created) })
	t.Run("a late answer does not draw over the next screen", func(t *testing.T) { browserLateAnswer(t, b, created) })
	t.Run("confirming receipt", func(t *testing.T) { browserReceipt(t, b, p) })
	t.Run("photos of a shipment", func(t *testing.T) { browserPhotos(t, b, p, admin, created) })
	t.Run("stations, report and webhooks", func(t *testing.T) { browserAdminScreens(t, b) })
}
