package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// bucketName is what OSS and S3 both accept as a bucket name.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

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
	} else if !bucketName.MatchString(c.BlobBucket) {
		*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_BUCKET %q: want 3 to 63 lower-case letters, digits, dots and hyphens", c.BlobBucket))
	}
	if c.BlobEndpoint != "" {
		if u, err := url.Parse(c.BlobEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			*errs = append(*errs, fmt.Sprintf("LOGIFN_BLOB_ENDPOINT=%q: want a URL such as https://oss-cn-hangzhou-internal.aliyuncs.com", c.BlobEndpoint))
		}
	}
}
