package s3

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// only clears every variable awsConfig reads, then sets env.
func only(t *testing.T, env map[string]string) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
		"AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_ROLE_SESSION_NAME", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// fakeS3 answers HEAD requests signed by keyID with an object, and
// refuses the rest as S3 would.
func fakeS3(t *testing.T, keyID string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+keyID+"/") {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Length", "3")
		w.Header().Set("ETag", `"e"`)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func stat(t *testing.T, endpoint string) error {
	t.Helper()
	s, err := Open(context.Background(), Config{Bucket: "b", Region: "us-east-1", Endpoint: endpoint, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Stat(context.Background(), "k")
	return err
}

// On EKS with IAM roles for service accounts, the token file and role are
// exchanged at STS for the keys S3 requests are signed with.
func TestWebIdentity(t *testing.T) {
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("jwt-from-the-service-account"), 0o600); err != nil {
		t.Fatal(err)
	}
	var form string
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		form = r.Form.Encode()
		if r.Form.Get("Action") != "AssumeRoleWithWebIdentity" || r.Form.Get("WebIdentityToken") != "jwt-from-the-service-account" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEBIDENTITY</AccessKeyId>
<SecretAccessKey>web-secret</SecretAccessKey><SessionToken>web-token</SessionToken>
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`)
	}))
	defer sts.Close()
	only(t, map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": token, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/logifn",
		"AWS_ROLE_SESSION_NAME": "logifn-fn", "AWS_ENDPOINT_URL_STS": sts.URL})
	if err := stat(t, fakeS3(t, "ASIAWEBIDENTITY").URL); err != nil {
		t.Fatalf("stat with web identity credentials: %v (STS saw %s)", err, form)
	}
	for _, want := range []string{"RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Flogifn", "RoleSessionName=logifn-fn"} {
		if !strings.Contains(form, want) {
			t.Errorf("STS request %s, want %s", form, want)
		}
	}
}

// ECS and EKS Pod Identity serve credentials from an endpoint that wants
// the token from a file.
func TestContainerCredentials(t *testing.T) {
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("pod-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "pod-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"AccessKeyId":"ASIAPOD","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}`)
	}))
	defer creds.Close()
	only(t, map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": creds.URL, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token})
	if err := stat(t, fakeS3(t, "ASIAPOD").URL); err != nil {
		t.Fatalf("stat with container credentials: %v", err)
	}
}

func TestAWSConfigFromEnvironment(t *testing.T) {
	t.Run("endpoint from AWS_ENDPOINT_URL_S3", func(t *testing.T) {
		srv := fakeS3(t, "AKIDENV")
		only(t, map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_ENDPOINT_URL_S3": srv.URL})
		if err := stat(t, ""); err != nil {
			t.Fatalf("stat: %v", err)
		}
	})
	t.Run("region from AWS_REGION", func(t *testing.T) {
		only(t, map[string]string{"AWS_REGION": "eu-west-1"})
		cfg, err := awsConfig("", os.Getenv)
		if err != nil || cfg.Region != "eu-west-1" {
			t.Fatalf("region %q, %v; want eu-west-1", cfg.Region, err)
		}
	})
	refused := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"no region", map[string]string{}, "no region"},
		{"web identity without a role", map[string]string{"AWS_REGION": "us-east-1", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}, "AWS_ROLE_ARN"},
		{"bad max attempts", map[string]string{"AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "zero"}, "AWS_MAX_ATTEMPTS"},
		{"bad retry mode", map[string]string{"AWS_REGION": "us-east-1", "AWS_RETRY_MODE": "eager"}, "AWS_RETRY_MODE"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			only(t, tt.env)
			if _, err := awsConfig("", os.Getenv); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
	t.Run("no credentials", func(t *testing.T) {
		only(t, nil)
		if err := stat(t, fakeS3(t, "AKIDENV").URL); err == nil || !strings.Contains(err.Error(), "no credentials") {
			t.Errorf("err = %v, want one saying there are no credentials", err)
		}
	})
}
