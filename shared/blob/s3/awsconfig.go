package s3

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The SDK's own loader (aws-sdk-go-v2/config) reads the shared files and
// supports SSO, sign-in and credential processes; linking it brings their
// clients and endpoint tables, which a function builds at every start
// whether it uses them or not. A function's credentials come from its
// platform, through the environment, so awsConfig reads the environment
// alone, with the SDK's own names and in the SDK's order.

// awsConfig returns the SDK configuration for S3 from region (else
// AWS_REGION, else AWS_DEFAULT_REGION) and the environment: retries
// (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE), the endpoint (AWS_ENDPOINT_URL_S3,
// else AWS_ENDPOINT_URL) and credentials (see envCredentials). It makes no
// request.
func awsConfig(region string, getenv func(string) string) (aws.Config, error) {
	cfg := aws.Config{
		Region: cmp.Or(region, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION")),
		// Checksums beyond what S3 requires break MinIO and older
		// S3-compatible servers; every body is still Content-Length bound.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no region; set LOGIFN_BLOB_REGION or AWS_REGION")
	}
	if s := getenv("AWS_MAX_ATTEMPTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return aws.Config{}, fmt.Errorf("AWS_MAX_ATTEMPTS=%q is not a positive number", s)
		}
		cfg.RetryMaxAttempts = n
	}
	if s := getenv("AWS_RETRY_MODE"); s != "" {
		mode, err := aws.ParseRetryMode(s)
		if err != nil {
			return aws.Config{}, fmt.Errorf("AWS_RETRY_MODE: %w", err)
		}
		cfg.RetryMode = mode
	}
	cfg.BaseEndpoint = serviceEndpoint(getenv, "S3")
	creds, err := envCredentials(cfg, getenv)
	if err != nil {
		return aws.Config{}, err
	}
	cfg.Credentials = creds
	return cfg, nil
}

// serviceEndpoint returns AWS_ENDPOINT_URL_<service>, else
// AWS_ENDPOINT_URL, or nil when neither is set or
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
func serviceEndpoint(getenv func(string) string, service string) *string {
	if strings.EqualFold(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return nil
	}
	if u := cmp.Or(getenv("AWS_ENDPOINT_URL_"+service), getenv("AWS_ENDPOINT_URL")); u != "" {
		return aws.String(u)
	}
	return nil
}

// envCredentials returns the first credentials the environment offers, in
// the SDK's order:
//
//   - static keys in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
//     AWS_SESSION_TOKEN (Lambda sets them from the function's role);
//   - web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, with
//     AWS_ROLE_SESSION_NAME (EKS IAM roles for service accounts), exchanged
//     at STS (AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL);
//   - a container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
//     AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN
//     or AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (ECS, EKS Pod Identity);
//   - the instance role from EC2 instance metadata, unless
//     AWS_EC2_METADATA_DISABLED is true.
//
// Shared files (~/.aws, AWS_PROFILE) are not read.
func envCredentials(cfg aws.Config, getenv func(string) string) (aws.CredentialsProvider, error) {
	id, secret := cmp.Or(getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_ACCESS_KEY")), cmp.Or(getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SECRET_KEY"))
	switch {
	case id != "" && secret != "":
		return credentials.NewStaticCredentialsProvider(id, secret, getenv("AWS_SESSION_TOKEN")), nil
	case getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		role := getenv("AWS_ROLE_ARN")
		if role == "" {
			return nil, errors.New("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
		}
		stsCfg := cfg.Copy()
		stsCfg.BaseEndpoint = serviceEndpoint(getenv, "STS")
		stsCfg.Credentials = nil // AssumeRoleWithWebIdentity is not signed
		p := stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(stsCfg), role,
			stscreds.IdentityTokenFile(getenv("AWS_WEB_IDENTITY_TOKEN_FILE")),
			func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = getenv("AWS_ROLE_SESSION_NAME") })
		return aws.NewCredentialsCache(p), nil
	case getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != "":
		return containerCredentials("http://169.254.170.2"+getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), getenv), nil
	case getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "":
		return containerCredentials(getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"), getenv), nil
	case strings.EqualFold(getenv("AWS_EC2_METADATA_DISABLED"), "true"):
		return aws.CredentialsProviderFunc(noCredentials), nil
	}
	return aws.NewCredentialsCache(ec2rolecreds.New()), nil
}

// containerCredentials fetches credentials from a container endpoint,
// with the authorization token from the environment or a file read at
// each fetch (EKS Pod Identity rotates it).
func containerCredentials(endpoint string, getenv func(string) string) aws.CredentialsProvider {
	return aws.NewCredentialsCache(endpointcreds.New(endpoint, func(o *endpointcreds.Options) {
		if file := getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
			o.AuthorizationTokenProvider = endpointcreds.TokenProviderFunc(func() (string, error) {
				b, err := os.ReadFile(file)
				return strings.TrimSpace(string(b)), err
			})
			return
		}
		o.AuthorizationToken = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	}))
}

// errNoCredentials is what a request gets when the environment offers no
// credentials and instance metadata is disabled.
var errNoCredentials = errors.New("s3: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, " +
	"a web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN) or a container credentials URI")

// noCredentials fails every request with errNoCredentials: like the SDK's
// chain, a store opens without credentials and fails on first use.
func noCredentials(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errNoCredentials
}
