package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestBenchRejectsUnknownScenario(t *testing.T) {
	err := run(context.Background(), []string{"bench", "--only", "get,warp"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"warp"`) {
		t.Errorf("bench --only get,warp: %v, want an error naming warp", err)
	}
}

func TestBenchDSN(t *testing.T) {
	t.Setenv("LOGIFN_BENCH_MYSQL_DSN", "")
	if got := benchDSN(""); got != defaultBenchDSN {
		t.Errorf("no flag, no variable: %q, want %q", got, defaultBenchDSN)
	}
	t.Setenv("LOGIFN_BENCH_MYSQL_DSN", "u@tcp(db:3306)/x")
	if got := benchDSN(""); got != "u@tcp(db:3306)/x" {
		t.Errorf("variable: %q", got)
	}
	if got := benchDSN("f@tcp(h:1)/y"); got != "f@tcp(h:1)/y" {
		t.Errorf("the flag wins over the variable: got %q", got)
	}
}
