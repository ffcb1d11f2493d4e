package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/logifn/logifn/shared/domain"
)

// translate turns an SDK error into a domain error: a missing object is
// not found, an unreachable or overloaded service unavailable, and anything
// else (a missing bucket, refused credentials) internal, with the cause
// kept for the log.
func (s *Store) translate(op, key string, err error) error {
	if _, ok := errors.AsType[*domain.Error](err); ok {
		return err
	}
	cause := fmt.Errorf("s3 %s %s/%s: %w", op, s.bucket, key, err)
	status, code := serviceStatus(err)
	switch {
	case code == "NoSuchKey" || code == "NotFound" || (status == http.StatusNotFound && code == ""):
		return domain.Wrap(domain.KindNotFound, "object_not_found", fmt.Sprintf("no object %s in bucket %s", key, s.bucket), cause)
	case status == http.StatusTooManyRequests || status >= 500 || code == "SlowDown" || unreachable(err):
		return domain.Wrap(domain.KindUnavailable, "object_storage_unavailable", "object storage is unavailable; try again", cause)
	}
	return domain.Wrap(domain.KindInternal, "object_storage_failed", "object storage failed", cause)
}

// serviceStatus returns the HTTP status and error code of err, if the
// service answered at all.
func serviceStatus(err error) (status int, code string) {
	if re, ok := errors.AsType[*smithyhttp.ResponseError](err); ok {
		status = re.HTTPStatusCode()
	}
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		code = ae.ErrorCode()
	}
	return status, code
}

func rangeError(err error) bool {
	status, code := serviceStatus(err)
	return status == http.StatusRequestedRangeNotSatisfiable || code == "InvalidRange"
}

// unreachable reports a request that never got an answer: a network
// failure, or one that ran out of time.
func unreachable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	if _, ok := errors.AsType[*smithyhttp.RequestSendError](err); ok {
		return true
	}
	_, ok := errors.AsType[net.Error](err)
	return ok
}
