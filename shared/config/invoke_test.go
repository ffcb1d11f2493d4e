package config

import (
	"strings"
	"testing"
)

func TestInvokeDefaultsFollowThePlatform(t *testing.T) {
	tests := []struct {
		name                                     string
		env                                      map[string]string
		backend, function, fcEndpoint, fcService string
	}{
		{"local", nil, InvokeLocal, "", "", ""},
		{"function compute", map[string]string{"FC_FUNCTION_NAME": "scan-file-ingest", "FC_SERVICE_NAME": "logifn",
			"FC_ACCOUNT_ID": "1234567890", "FC_REGION": "cn-hangzhou"},
			InvokeFC, "scan-file-ingest", "https://1234567890.cn-hangzhou-internal.fc.aliyuncs.com", "logifn"},
		{"lambda", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "AWS_LAMBDA_FUNCTION_NAME": "logifn-scan"},
			InvokeLambda, "logifn-scan", "", ""},
		{"knative", map[string]string{"K_SERVICE": "scan-file-ingest"}, InvokeHTTP, "scan-file-ingest", "", ""},
		{"set explicitly", map[string]string{"FC_FUNCTION_NAME": "a", "LOGIFN_INVOKE_BACKEND": "LOCAL", "LOGIFN_INVOKE_FUNCTION": "b",
			"LOGIFN_INVOKE_FC_ENDPOINT": "http://127.0.0.1:9000", "LOGIFN_INVOKE_FC_SERVICE": "svc"},
			InvokeLocal, "b", "http://127.0.0.1:9000", "svc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]string{"LOGIFN_JWT_SECRET": secret}
			for k, v := range tt.env {
				m[k] = v
			}
			c, err := Load(env(m), Function)
			if err != nil {
				t.Fatal(err)
			}
			if c.InvokeBackend != tt.backend || c.InvokeFunction != tt.function || c.InvokeFCEndpoint != tt.fcEndpoint ||
				c.InvokeFCService != tt.fcService || c.ScanChunkBytes != DefaultScanChunkBytes {
				t.Errorf("got backend %q function %q endpoint %q service %q chunk %d", c.InvokeBackend, c.InvokeFunction,
					c.InvokeFCEndpoint, c.InvokeFCService, c.ScanChunkBytes)
			}
		})
	}
}

func TestInvokeRejectsBadValues(t *testing.T) {
	for name, v := range map[string]string{
		"LOGIFN_SCAN_CHUNK_BYTES":   "1024",
		"LOGIFN_INVOKE_BACKEND":     "pigeon",
		"LOGIFN_INVOKE_URL":         "broker.local/ns",
		"LOGIFN_INVOKE_FC_ENDPOINT": "ftp://fc",
	} {
		m := map[string]string{"LOGIFN_JWT_SECRET": secret, name: v}
		if _, err := Load(env(m), Function); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: err = %v, want one naming it", name, v, err)
		}
	}
	c, err := Load(env(map[string]string{"LOGIFN_JWT_SECRET": secret, "LOGIFN_SCAN_CHUNK_BYTES": "1048576"}), Function)
	if err != nil || c.ScanChunkBytes != 1<<20 {
		t.Errorf("LOGIFN_SCAN_CHUNK_BYTES=1048576: %d, %v", c.ScanChunkBytes, err)
	}
}
