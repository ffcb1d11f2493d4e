package oss

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	alioss "github.com/aliyun/aliyun-oss-go-sdk/oss"
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
	cause := fmt.Errorf("oss %s %s/%s: %w", op, s.Bucket(), key, err)
	switch status, code := serviceStatus(err); {
	case code == "NoSuchKey" || (status == http.StatusNotFound && code == ""):
		return domain.Wrap(domain.KindNotFound, "object_not_found", fmt.Sprintf("no object %s in bucket %s", key, s.Bucket()), cause)
	case status == http.StatusTooManyRequests || status >= 500 || unreachable(err):
		return domain.Wrap(domain.KindUnavailable, "object_storage_unavailable", "object storage is unavailable; try again", cause)
	}
	return domain.Wrap(domain.KindInternal, "object_storage_failed", "object storage failed", cause)
}

// serviceStatus returns the HTTP status and OSS error code of err, if OSS
// answered at all.
func serviceStatus(err error) (int, string) {
	if se, ok := errors.AsType[alioss.ServiceError](err); ok {
		return se.StatusCode, se.Code
	}
	if ue, ok := errors.AsType[alioss.UnexpectedStatusCodeError](err); ok {
		return ue.Got(), ""
	}
	return 0, ""
}

func rangeError(err error) bool {
	status, code := serviceStatus(err)
	return status == http.StatusRequestedRangeNotSatisfiable || code == "InvalidRange"
}

// unreachable reports a network failure or a request that ran out of
// time, which a later try may not meet.
func unreachable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	_, ok := errors.AsType[net.Error](err)
	return ok
}
