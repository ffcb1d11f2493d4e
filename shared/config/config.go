// Package config reads logifn's settings from the environment into one
// typed struct, with defaults and validation. Secrets are masked whenever
// the struct is printed.
package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// LocalJWTSecret signs tokens in local mode when LOGIFN_JWT_SECRET is unset.
// It is public: never use it for anything but a laptop.
const LocalJWTSecret = "logifn-local-development-secret-not-for-production"

// Secret is a string that prints as "****".
type Secret string

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "****"
}

// GoString masks the secret in %#v too.
func (s Secret) GoString() string { return s.String() }

// Config is every setting logifn reads. Env names the variable of each.
type Config struct {
	Addr              string        `env:"LOGIFN_ADDR"`
	DataDir           string        `env:"LOGIFN_DATA_DIR"`
	DBDriver          string        `env:"LOGIFN_DB_DRIVER"`
	DBDSN             Secret        `env:"LOGIFN_DB_DSN"`
	DBMaxOpenConns    int           `env:"LOGIFN_DB_MAX_OPEN_CONNS"`
	DBMaxIdleConns    int           `env:"LOGIFN_DB_MAX_IDLE_CONNS"`
	DBConnMaxLifetime time.Duration `env:"LOGIFN_DB_CONN_MAX_LIFETIME"`
	DBConnMaxIdleTime time.Duration `env:"LOGIFN_DB_CONN_MAX_IDLE_TIME"`
	JWTSecret         Secret        `env:"LOGIFN_JWT_SECRET"`
	LogFormat         string        `env:"LOGIFN_LOG_FORMAT"`
	LogLevel          string        `env:"LOGIFN_LOG_LEVEL"`
	MaxBodyBytes      int64         `env:"LOGIFN_MAX_BODY_BYTES"`
	RequestTimeout    time.Duration `env:"LOGIFN_REQUEST_TIMEOUT"`
	// How long a client may take to send a request's headers, and the
	// whole request: slower clients are cut off (see ServerTimeouts).
	ReadHeaderTimeout time.Duration `env:"LOGIFN_READ_HEADER_TIMEOUT"`
	ReadTimeout       time.Duration `env:"LOGIFN_READ_TIMEOUT"`
	PublicTenant      string        `env:"LOGIFN_PUBLIC_TENANT"`

	// Object storage. BlobDriver is empty when a function needs none.
	BlobDriver    string `env:"LOGIFN_BLOB_DRIVER"`
	BlobBucket    string `env:"LOGIFN_BLOB_BUCKET"`
	BlobEndpoint  string `env:"LOGIFN_BLOB_ENDPOINT"`
	BlobRegion    string `env:"LOGIFN_BLOB_REGION"`
	BlobPathStyle bool   `env:"LOGIFN_BLOB_PATH_STYLE"`
	BlobDir       string `env:"LOGIFN_BLOB_DIR"`
	BlobPublicURL string `env:"LOGIFN_BLOB_PUBLIC_URL"`
	// Alibaba Cloud credentials for OSS. Function Compute sets all three
	// (temporary STS credentials) when the function has a role. S3 uses the
	// AWS SDK's own chain (AWS_ACCESS_KEY_ID ..., or the Lambda role).
	OSSAccessKeyID     string `env:"ALIBABA_CLOUD_ACCESS_KEY_ID"`
	OSSAccessKeySecret Secret `env:"ALIBABA_CLOUD_ACCESS_KEY_SECRET"`
	OSSSecurityToken   Secret `env:"ALIBABA_CLOUD_SECURITY_TOKEN"`

	// Scan files and asynchronous invocations (see invoke.go here).
	ScanChunkBytes   int64  `env:"LOGIFN_SCAN_CHUNK_BYTES"`
	InvokeBackend    string `env:"LOGIFN_INVOKE_BACKEND"`
	InvokeFunction   string `env:"LOGIFN_INVOKE_FUNCTION"`
	InvokeURL        string `env:"LOGIFN_INVOKE_URL"`
	InvokeFCEndpoint string `env:"LOGIFN_INVOKE_FC_ENDPOINT"`
	InvokeFCService  string `env:"LOGIFN_INVOKE_FC_SERVICE"`

	// Webhooks (see webhook.go here): whether deliveries may reach private
	// and loopback addresses, how long one may take, and how many failures
	// in a row disable an endpoint.
	WebhookAllowPrivate bool          `env:"LOGIFN_WEBHOOK_ALLOW_PRIVATE"`
	WebhookTimeout      time.Duration `env:"LOGIFN_WEBHOOK_TIMEOUT"`
	WebhookMaxFailures  int           `env:"LOGIFN_WEBHOOK_MAX_FAILURES"`
}

// The object storage drivers.
const (
	BlobLocal = "local"
	BlobOSS   = "oss"
	BlobS3    = "s3"
)

// LocalBlobBucket names the local platform's bucket when LOGIFN_BLOB_BUCKET
// is unset.
const LocalBlobBucket = "logifn-local"

// Mode says which defaults apply.
type Mode int

// The modes. Local is `logifn serve` and the other CLI commands on a laptop:
// it has a development JWT secret and text logs. Function is a deployed
// function: no secret is assumed and logs are JSON.
const (
	Function Mode = iota
	Local
)

// Load reads the configuration through getenv (os.Getenv in production).
func Load(getenv func(string) string, mode Mode) (Config, error) {
	c := Config{
		Addr:              str(getenv, "LOGIFN_ADDR", "127.0.0.1:8080"),
		DataDir:           str(getenv, "LOGIFN_DATA_DIR", "data"),
		DBDriver:          strings.ToLower(str(getenv, "LOGIFN_DB_DRIVER", "sqlite")),
		DBDSN:             Secret(getenv("LOGIFN_DB_DSN")),
		JWTSecret:         Secret(getenv("LOGIFN_JWT_SECRET")),
		LogFormat:         str(getenv, "LOGIFN_LOG_FORMAT", "json"),
		LogLevel:          str(getenv, "LOGIFN_LOG_LEVEL", "info"),
		MaxBodyBytes:      1 << 20,
		DBMaxOpenConns:    4,
		DBConnMaxLifetime: 5 * time.Minute,
		DBConnMaxIdleTime: time.Minute,
		RequestTimeout:    10 * time.Second,
		PublicTenant:      str(getenv, "LOGIFN_PUBLIC_TENANT", ""),
	}
	if mode == Local {
		c.LogFormat = str(getenv, "LOGIFN_LOG_FORMAT", "text")
		if c.JWTSecret == "" {
			c.JWTSecret = LocalJWTSecret
		}
		c.PublicTenant = str(getenv, "LOGIFN_PUBLIC_TENANT", "demo")
	}
	var errs []string
	loadBlob(getenv, mode, &c, &errs)
	loadInvoke(getenv, &c, &errs)
	loadWebhook(getenv, mode, &c, &errs)
	intVar(getenv, "LOGIFN_DB_MAX_OPEN_CONNS", &c.DBMaxOpenConns, 1, 1000, &errs)
	// Fewer idle than open connections makes a busy instance close and
	// reopen connections all the time (thousands a second at four
	// concurrent requests and four connections), so idle follows open
	// unless set; ConnMaxIdleTime still closes them once the instance idles.
	c.DBMaxIdleConns = c.DBMaxOpenConns
	intVar(getenv, "LOGIFN_DB_MAX_IDLE_CONNS", &c.DBMaxIdleConns, 0, 1000, &errs)
	var maxBody int
	if intVar(getenv, "LOGIFN_MAX_BODY_BYTES", &maxBody, 1024, 64<<20, &errs) {
		c.MaxBodyBytes = int64(maxBody)
	}
	durVar(getenv, "LOGIFN_DB_CONN_MAX_LIFETIME", &c.DBConnMaxLifetime, &errs)
	durVar(getenv, "LOGIFN_DB_CONN_MAX_IDLE_TIME", &c.DBConnMaxIdleTime, &errs)
	durVar(getenv, "LOGIFN_REQUEST_TIMEOUT", &c.RequestTimeout, &errs)
	if header, read, err := ServerTimeouts(getenv); err != nil {
		errs = append(errs, err.Error())
	} else {
		c.ReadHeaderTimeout, c.ReadTimeout = header, read
	}
	switch c.DBDriver {
	case "sqlite":
		if c.DBDSN == "" {
			c.DBDSN = Secret(filepath.Join(c.DataDir, "logifn.db"))
		}
	case "mysql":
		if c.DBDSN == "" {
			errs = append(errs, "LOGIFN_DB_DSN is required when LOGIFN_DB_DRIVER=mysql")
		} else if _, err := mysql.ParseDSN(string(c.DBDSN)); err != nil {
			errs = append(errs, "LOGIFN_DB_DSN is not a valid MySQL DSN")
		}
	default:
		errs = append(errs, fmt.Sprintf("LOGIFN_DB_DRIVER %q: want sqlite or mysql", c.DBDriver))
	}
	if c.JWTSecret == "" {
		errs = append(errs, "LOGIFN_JWT_SECRET is required")
	} else if len(c.JWTSecret) < 32 {
		errs = append(errs, "LOGIFN_JWT_SECRET must be at least 32 bytes")
	}
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// Defaults of the HTTP server's timeouts against slow clients.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
)

// ServerTimeouts reads LOGIFN_READ_HEADER_TIMEOUT and LOGIFN_READ_TIMEOUT
// through getenv: how long a client may take to send its headers, and its
// whole request. The platform's HTTP server reads them here, as Load does.
func ServerTimeouts(getenv func(string) string) (header, read time.Duration, err error) {
	header, read = DefaultReadHeaderTimeout, DefaultReadTimeout
	var errs []string
	durVar(getenv, "LOGIFN_READ_HEADER_TIMEOUT", &header, &errs)
	durVar(getenv, "LOGIFN_READ_TIMEOUT", &read, &errs)
	if len(errs) == 0 && header > read {
		errs = append(errs, "LOGIFN_READ_HEADER_TIMEOUT must not be longer than LOGIFN_READ_TIMEOUT")
	}
	if len(errs) > 0 {
		return 0, 0, errors.New(strings.Join(errs, "; "))
	}
	return header, read, nil
}

// RedactedDSN returns the database DSN with any password masked, for logs.
func (c Config) RedactedDSN() string {
	if c.DBDriver != "mysql" {
		return string(c.DBDSN)
	}
	m, err := mysql.ParseDSN(string(c.DBDSN))
	if err != nil {
		return "(invalid DSN)"
	}
	if m.Passwd != "" {
		m.Passwd = "****"
	}
	return m.FormatDSN()
}

func str(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}

func intVar(getenv func(string) string, name string, dst *int, min, max int, errs *[]string) bool {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		*errs = append(*errs, fmt.Sprintf("%s=%q: want a whole number from %d to %d", name, v, min, max))
		return false
	}
	*dst = n
	return true
}

func durVar(getenv func(string) string, name string, dst *time.Duration, errs *[]string) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		*errs = append(*errs, fmt.Sprintf("%s=%q: want a positive duration such as 30s", name, v))
		return
	}
	*dst = d
}
