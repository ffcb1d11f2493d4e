package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// validBucket reports whether name is what OSS and S3 both accept as a
// bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting
// and ending with a letter or digit. It is written out rather than a
// regular expression compiled at start-up, which every cold start would pay.
func validBucket(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || i == len(name)-1 || c != '.' && c != '-') {
			return false
		}
	}
	return true
}

// loadBlob reads the object storage settings into c. The local driver is
// the default in local mode; a deployed function has none unless
// LOGIFN_BLOB_DRIVER names one.
func loadBlob(getenv func(string) string, mode Mode, c *Config, errs *[]string) {
	def := ""
	if mode == Local {
		def = BlobLocal
	}
	c.BlobDriver = strings.ToLower(str(getenv, "LOGIFN_BLOB_DRIVER", def))
	c.BlobBucket = str(getenv, "LOGIFN_BLOB_BUCKET", "")
	c.BlobEndpoint = str(getenv, "LOGIFN_BLOB_ENDPOINT", "")
	c.BlobRegion = str(getenv, "LOGIFN_BLOB_REGION", "")
	c.BlobDir = str(getenv, "LOGIFN_BLOB_DIR", filepath.Join(c.DataDir, "objects"))
	c.BlobPublicURL = strings.TrimSuffix(str(getenv, "LOGIFN_BLOB_PUBLIC_URL", "http://"+c.Addr), "/")
	c.OSSAccessKeyID = str(getenv, "ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	c.OSSAccessKeySecret = Secret(strings.TrimSpace(getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")))
	c.OSSSecurityToken = Secret(strings.TrimSpace(getenv("ALIBABA_CLOUD_SECURITY_TOKEN")))
	if v := strings.TrimSpace(getenv("LOGIFN_BLOB_PATH_STYLE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_PATH_STYLE=%q: want true or false", v))
		}
		c.BlobPathStyle = b
	}
	switch c.BlobDriver {
	case "":
		return
	case BlobLocal:
		if c.BlobBucket == "" {
			c.BlobBucket = LocalBlobBucket
		}
		if u, err := url.Parse(c.BlobPublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_PUBLIC_URL=%q: want an http or https base URL", c.BlobPublicURL))
		}
	case BlobOSS:
		if c.BlobEndpoint == "" && c.BlobRegion == "" {
			*errs = append(*errs, "LOGIFN_BLOB_ENDPOINT or LOGIFN_BLOB_REGION is required when LOGIFN_BLOB_DRIVER=oss")
		}
		if c.OSSAccessKeyID == "" || c.OSSAccessKeySecret == "" {
			*errs = append(*errs, "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are required when LOGIFN_BLOB_DRIVER=oss")
		}
	case BlobS3:
	default:
		*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_DRIVER %q: want local, oss or s3", c.BlobDriver))
		return
	}
	if c.BlobBucket == "" {
		*errs = append(*errs, "LOGIFN_BLOB_BUCKET is required when LOGIFN_BLOB_DRIVER="+c.BlobDriver)
	} else if !validBucket(c.BlobBucket) {
		*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_BUCKET %q: want 3 to 63 lower-case letters, digits, dots and hyphens", c.BlobBucket))
	}
	if c.BlobEndpoint != "" {
		if u, err := url.Parse(c.BlobEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_ENDPOINT=%q: want a URL such as https://oss-cn-hangzhou-internal.aliyuncs.com", c.BlobEndpoint))
		}
	}
}
