package report_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/rmmhunt/rmmhunt/report"
)

// chromium returns the Chromium to test with: $RMMHUNT_CHROMIUM, or the
// first of the usual names on the PATH; "" when there is none.
func chromium() string {
	if p := os.Getenv("RMMHUNT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInChromium opens the report of the allowlist fixture in headless
// Chromium and checks that the page loads nothing, logs no error, throws
// no exception, has its sections, and draws one plot per device. With
// RMMHUNT_SCREENSHOT=FILE.png it also saves a screenshot of the page.
//
// It is skipped when no Chromium is installed; scripts/install-chromium.sh
// installs Debian's, and scripts/test.sh runs it first.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium on the PATH (bash scripts/install-chromium.sh installs it)")
	}
	out := seedOutcome(t)
	var buf bytes.Buffer
	if err := report.WriteOutcome(&buf, out, report.Options{Format: report.HTML}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pageURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(page)}).String()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 1000),
	)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	var mu sync.Mutex
	var problems, requests []string
	err := chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
				problems = append(problems, "console "+string(e.Type))
			}
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, "log "+string(e.Entry.Level)+": "+e.Entry.Text)
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		}
	})
	if err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	if _, err := chromedp.Call(bctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(pageURL), chromedp.WaitReady(chromedp.CSS("section#rules"))); err != nil {
		t.Fatal(err)
	}
	headings, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('h2')).map(h => h.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(headings, "|") != strings.Join(htmlSections, "|") {
		t.Errorf("headings %q, want %q", headings, htmlSections)
	}
	type plot struct {
		Device string  `json:"device"`
		SVGs   int     `json:"svgs"`
		Width  float64 `json:"width"`
		Height float64 `json:"height"`
		Lanes  int     `json:"lanes"`
	}
	plots, err := chromedp.Run(bctx, chromedp.Evaluate[[]plot](`Array.from(document.querySelectorAll('figure.device')).map(f => {
		const svgs = f.querySelectorAll('svg');
		const r = svgs.length ? svgs[0].getBoundingClientRect() : {width: 0, height: 0};
		return {device: f.querySelector('figcaption').textContent.trim(), svgs: svgs.length,
			width: r.width, height: r.height, lanes: f.querySelectorAll('g.lane').length};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	devices := map[string]int{}
	for _, it := range out.Items {
		label := it.Context.DeviceName + " (" + it.Context.DeviceID + ")"
		devices[label]++
	}
	if len(plots) != len(devices) {
		t.Errorf("%d plots, want one per device (%d)", len(plots), len(devices))
	}
	for _, p := range plots {
		if p.SVGs != 1 || p.Width < 100 || p.Height < 20 {
			t.Errorf("%s: %d svg, %.0fx%.0f px", p.Device, p.SVGs, p.Width, p.Height)
		}
		if n, ok := devices[p.Device]; !ok || n != p.Lanes {
			t.Errorf("%s: %d lanes, want %d findings", p.Device, p.Lanes, n)
		}
	}
	if path := os.Getenv("RMMHUNT_SCREENSHOT"); path != "" {
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A round trip to the page, so that every event it sent has arrived.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[int](`1`)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("browser: %s", p)
	}
	for _, u := range requests {
		if u != pageURL {
			t.Errorf("the page requested %s", u)
		}
	}
}
