package webhook

import (
	"net/netip"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url            string
		public, local  bool // accepted without, and with, private targets allowed
		wantMsgContain string
	}{
		{"https://hooks.example.com/logifn", true, true, ""},
		{"https://hooks.example.com:8443/a?b=c", true, true, ""},
		{"https://8.8.8.8/hook", true, true, ""},
		{"https://[2001:4860:4860::8888]/hook", true, true, ""},
		{"http://hooks.example.com/logifn", false, false, "https"},
		{"ftp://hooks.example.com/", false, false, "https"},
		{"http://127.0.0.1:9000/hook", false, true, "public"},
		{"http://localhost:9000/hook", false, true, "public"},
		{"http://api.localhost/hook", false, true, "public"},
		{"http://[::1]:9000/hook", false, true, "public"},
		{"https://127.0.0.1/hook", false, true, "public"},
		{"https://10.1.2.3/hook", false, true, "public"},
		{"https://192.168.1.10/hook", false, true, "public"},
		{"https://172.20.0.1/hook", false, true, "public"},
		{"https://100.64.1.1/hook", false, true, "public"},
		{"https://[fd00::1]/hook", false, true, "public"},
		{"https://[::ffff:10.0.0.1]/hook", false, true, "public"},
		{"http://10.1.2.3/hook", false, false, ""},
		{"https://169.254.169.254/latest/meta-data", false, false, "public"},
		{"https://100.100.100.200/latest/meta-data", false, false, "public"},
		{"https://0.0.0.0/hook", false, false, "public"},
		{"https://[fe80::1]/hook", false, false, "public"},
		{"https://224.0.0.1/hook", false, false, "public"},
		{"https://user:pw@hooks.example.com/", false, false, "credentials"},
		{"https://hooks.example.com/#frag", false, false, "fragment"},
		{"/relative/path", false, false, "absolute"},
		{"https:///nohost", false, false, "absolute"},
		{"mailto:ops@example.com", false, false, "absolute"},
		{"https://hooks.example.com/" + strings.Repeat("a", 2048), false, false, "2048"},
	}
	for _, tt := range tests {
		t.Run(tt.url[:min(len(tt.url), 60)], func(t *testing.T) {
			for _, allow := range []bool{false, true} {
				err := CheckURL(tt.url, allow)
				want := tt.public
				if allow {
					want = tt.local
				}
				if (err == nil) != want {
					t.Errorf("allowPrivate %v: err = %v, want accepted %v", allow, err, want)
				}
				if err != nil && !strings.Contains(err.Error(), tt.wantMsgContain) {
					t.Errorf("allowPrivate %v: err = %q, want it to mention %q", allow, err, tt.wantMsgContain)
				}
			}
		})
	}
}

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr          string
		public, local bool
	}{
		{"93.184.215.14", true, true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true, true},
		{"127.0.0.1", false, true},
		{"127.8.9.10", false, true},
		{"10.0.0.1", false, true},
		{"::1", false, true},
		{"::ffff:127.0.0.1", false, true},
		{"169.254.169.254", false, false},
		{"::ffff:169.254.169.254", false, false},
		{"100.100.100.200", false, false},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"255.255.255.255", false, false},
	}
	for _, tt := range tests {
		a := netip.MustParseAddr(tt.addr)
		if got := CheckAddr(a, false) == nil; got != tt.public {
			t.Errorf("CheckAddr(%s, false) accepted %v, want %v", tt.addr, got, tt.public)
		}
		if got := CheckAddr(a, true) == nil; got != tt.local {
			t.Errorf("CheckAddr(%s, true) accepted %v, want %v", tt.addr, got, tt.local)
		}
	}
}
