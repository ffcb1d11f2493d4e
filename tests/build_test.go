package tests

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// functionNames are the functions whose bootstrap binaries the suite builds.
var functionNames = []string{"shipment-create", "shipment-get", "shipment-list", "scan-file-ingest", "stale-sweep"}

// builder builds the binaries once for the whole run.
type builder struct {
	once sync.Once
	dir  string
	took time.Duration
	err  error
}

// built is the run's one builder: every test shares its binaries.
var built builder

// TestMain removes the binaries once every test is done.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binDir is a directory holding bin/logifn and <function>/bootstrap.
type binDir string

func (d binDir) logifn() string { return filepath.Join(string(d), "bin", "logifn") }

func (d binDir) function(name string) string { return filepath.Join(string(d), name, "bootstrap") }

// skipShort skips t under -short: the suite builds and runs binaries.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binaries; skipped with -short")
	}
}

// binaries skips the test under -short; otherwise it returns the built
// binaries, building them on first use.
func binaries(t *testing.T) binDir {
	t.Helper()
	skipShort(t)
	built.once.Do(func() {
		start := time.Now()
		built.dir, built.err = buildAll()
		built.took = time.Since(start)
		t.Logf("built logifn and %d function binaries in %s", len(functionNames), built.took.Round(time.Millisecond))
	})
	if built.err != nil {
		t.Fatalf("build binaries: %v", built.err)
	}
	return binDir(built.dir)
}

// buildAll builds every binary into a new temporary directory. The CLI
// goes first: it imports every package the functions do, built with the
// same flags, so the function builds that follow, side by side, only link.
func buildAll() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "logifn-e2e-")
	if err != nil {
		return "", err
	}
	if err := goBuild(root, binDir(dir).logifn(), "./cmd/logifn"); err != nil {
		return dir, err
	}
	errs := make([]error, len(functionNames))
	var wg sync.WaitGroup
	for i, name := range functionNames {
		wg.Go(func() {
			errs[i] = goBuild(root, binDir(dir).function(name), "./functions/"+name+"/cmd")
		})
	}
	wg.Wait()
	return dir, errors.Join(errs...)
}

// moduleRoot returns the directory of logifn's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: the tests are not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

// goBuild builds package pkg into out as functions are deployed: static
// (CGO_ENABLED=0) and with the lambda.norpc tag.
func goBuild(root, out, pkg string) error {
	return goBuildTags(root, out, pkg, "lambda.norpc")
}

// goBuildTags builds package pkg into out, static and with tags.
func goBuildTags(root, out, pkg, tags string) error {
	cmd := exec.Command("go", "build", "-tags", tags, "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, msg)
	}
	return nil
}
