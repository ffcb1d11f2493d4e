package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The backends of asynchronous invocations (package invoke).
const (
	InvokeFC     = "fc"
	InvokeLambda = "lambda"
	InvokeHTTP   = "http"
	InvokeLocal  = "local"
)

// DefaultScanChunkBytes is the size above which a scan file is split into
// chunks applied by invocations of their own.
const DefaultScanChunkBytes = 8 << 20

// loadInvoke reads the settings of scan files and asynchronous invocations
// into c. The backend defaults to the platform the process runs on, and
// the function invoked to the running function itself, as the platform
// names it.
func loadInvoke(getenv func(string) string, c *Config, errs *[]string) {
	c.ScanChunkBytes = DefaultScanChunkBytes
	if v := strings.TrimSpace(getenv("LOGIFN_SCAN_CHUNK_BYTES")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 64<<10 || n > 1<<40 {
			*errs = append(*errs, fmt.Sprintf("LOGIFN_SCAN_CHUNK_BYTES=%q: want a whole number of bytes from 65536 to 1099511627776", v))
		} else {
			c.ScanChunkBytes = n
		}
	}
	c.InvokeBackend = strings.ToLower(str(getenv, "LOGIFN_INVOKE_BACKEND", platformInvokeBackend(getenv)))
	c.InvokeFunction = str(getenv, "LOGIFN_INVOKE_FUNCTION",
		firstNonEmpty(getenv("FC_FUNCTION_NAME"), getenv("AWS_LAMBDA_FUNCTION_NAME"), getenv("K_SERVICE")))
	c.InvokeURL = str(getenv, "LOGIFN_INVOKE_URL", "")
	c.InvokeFCService = str(getenv, "LOGIFN_INVOKE_FC_SERVICE", strings.TrimSpace(getenv("FC_SERVICE_NAME")))
	def := ""
	if account, region := strings.TrimSpace(getenv("FC_ACCOUNT_ID")), strings.TrimSpace(getenv("FC_REGION")); account != "" && region != "" {
		def = "https://" + account + "." + region + "-internal.fc.aliyuncs.com"
	}
	c.InvokeFCEndpoint = str(getenv, "LOGIFN_INVOKE_FC_ENDPOINT", def)
	switch c.InvokeBackend {
	case InvokeFC, InvokeLambda, InvokeHTTP, InvokeLocal:
	default:
		*errs = append(*errs, fmt.Sprintf("LOGIFN_INVOKE_BACKEND %q: want fc, lambda, http or local", c.InvokeBackend))
	}
	for _, v := range []struct{ name, url string }{{"LOGIFN_INVOKE_URL", c.InvokeURL}, {"LOGIFN_INVOKE_FC_ENDPOINT", c.InvokeFCEndpoint}} {
		if u, err := url.Parse(v.url); v.url != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			*errs = append(*errs, fmt.Sprintf("%s=%q: want an http or https URL", v.name, v.url))
		}
	}
}

// platformInvokeBackend picks the backend of the platform the process runs
// on, as platform.Detect tells them apart.
func platformInvokeBackend(getenv func(string) string) string {
	switch {
	case getenv("AWS_LAMBDA_RUNTIME_API") != "":
		return InvokeLambda
	case getenv("K_SERVICE") != "":
		return InvokeHTTP
	case getenv("FC_CUSTOM_LISTEN_PORT") != "", getenv("FC_SERVER_PORT") != "", getenv("FC_FUNCTION_NAME") != "":
		return InvokeFC
	default:
		return InvokeLocal
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
