package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/logifn/logifn/functions/deploy"
)

// moduleRoot returns the directory of logifn's go.mod at or above the
// working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && len(b) > 0 {
			if modulePath(b) == "github.com/logifn/logifn" {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run logifn bench inside the logifn module: it builds the binaries it measures")
		}
		dir = parent
	}
}

func modulePath(gomod []byte) string {
	var path string
	fmt.Sscanf(string(gomod), "module %s", &path)
	return path
}

// goTool returns the go command: the one on PATH, else the one of the Go
// this program was built with.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// Binary is a program the run builds.
type Binary struct {
	Name   string // a function's name, "minhttp" or "logifn"
	Pkg    string // the package, relative to the module root
	Deploy bool   // built as deployed: static, with the Makefile's tags and ldflags
	Path   string // where it was built
}

// BuildFlags are the flags of the Makefile's build target.
type BuildFlags struct {
	Tags    string `json:"tags"`
	LDFlags string `json:"ldflags"`
}

// makefileFlags reads the tags and LDFLAGS `make build` builds the deployed
// binaries with: FC_TAGS (Function Compute, make build's default
// platform, whose functions run in the FC mode coldstart measures), else
// TAGS.
func makefileFlags(root string) (BuildFlags, error) {
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return BuildFlags{}, err
	}
	return parseMakefileFlags(string(b))
}

func parseMakefileFlags(makefile string) (BuildFlags, error) {
	vars := deploy.MakefileVars(makefile)
	f := BuildFlags{Tags: vars["FC_TAGS"], LDFlags: vars["LDFLAGS"]}
	if f.Tags == "" {
		f.Tags = vars["TAGS"]
	}
	if f.LDFlags == "" {
		return f, errors.New("the Makefile sets no LDFLAGS := for its build target")
	}
	return f, nil
}

// withoutTag returns tags (comma-separated) without tag.
func withoutTag(tags, tag string) string {
	var keep []string
	for _, t := range strings.Split(tags, ",") {
		if t = strings.TrimSpace(t); t != "" && t != tag {
			keep = append(keep, t)
		}
	}
	return strings.Join(keep, ",")
}

// buildAll builds bins into dir, two at a time, those built as deployed
// with flags (static, -trimpath).
func buildAll(ctx context.Context, root, dir string, flags BuildFlags, bins []*Binary) error {
	sem := make(chan struct{}, 2)
	errs := make([]error, len(bins))
	var wg sync.WaitGroup
	for i, b := range bins {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			b.Path = filepath.Join(dir, b.Name)
			args := []string{"build", "-o", b.Path}
			if b.Deploy {
				args = append(args, "-trimpath", "-tags", flags.Tags, "-ldflags", flags.LDFlags)
			}
			cmd := exec.CommandContext(ctx, goTool(), append(args, "./"+b.Pkg)...)
			cmd.Dir = root
			cmd.Env = os.Environ()
			if b.Deploy {
				cmd.Env = append(cmd.Env, "CGO_ENABLED=0")
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("build %s: %v\n%s", b.Pkg, err, out)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
