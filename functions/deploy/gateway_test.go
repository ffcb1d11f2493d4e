package deploy_test

import (
	"testing"

	"github.com/logifn/logifn/functions/deploy"
)

func TestGatewayPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/v1/shipments/{waybill}", "/v1/shipments/{waybill}"},
		{"/{$}", "/"},
		{"/assets/{version}/{file}", "/assets/{version}/{file}"},
		{"/files/{rest...}", "/files/{rest+}"},
	}
	for _, tt := range tests {
		if got := deploy.GatewayPath(tt.in); got != tt.want {
			t.Errorf("GatewayPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
