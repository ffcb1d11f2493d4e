package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/logifn/logifn/shared/app/storage"
	"github.com/logifn/logifn/shared/config"
)

// put uploads a file to the configured bucket through a presigned URL, as
// a client would. On the local platform the upload goes to the running
// `logifn serve`, which stores it and fires the object functions.
func put(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("put")
	contentType := fs.String("type", "", "content type (default from the file's extension)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("put: want FILE KEY")
	}
	file, key := fs.Arg(0), fs.Arg(1)
	body, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if *contentType == "" {
		*contentType = mime.TypeByExtension(filepath.Ext(file))
	}
	if *contentType == "" {
		*contentType = "application/octet-stream"
	}
	cfg, err := config.Load(os.Getenv, config.Local)
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, cfg, time.Now)
	if err != nil {
		return fmt.Errorf("put: %w", err)
	}
	if st == nil {
		return errors.New("put: no object store; set LOGIFN_BLOB_DRIVER")
	}
	p, err := st.PresignPut(ctx, key, *contentType, 15*time.Minute)
	if err != nil {
		return fmt.Errorf("put: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = p.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("put: %w (is logifn serve running?)", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("put: %s answered %s: %s", cfg.BlobDriver, resp.Status, bytes.TrimSpace(msg))
	}
	fmt.Fprintf(stdout, "stored %s in bucket %s (%d bytes, %s, ETag %s)\n", key, st.Bucket(), len(body), *contentType, resp.Header.Get("ETag"))
	return nil
}
