package webhook

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
)

// MaxURLLen is the longest endpoint URL accepted.
const MaxURLLen = 2048

// Addresses never delivered to: cloud metadata services (link-local, and
// Alibaba Cloud's 100.100.100.200), "this network", multicast and the
// reserved block. Allowing private targets does not open these.
var forbidden = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("ff00::/8"),
}

// Private, loopback and other non-public addresses, delivered to only when
// private targets are allowed (LOGIFN_WEBHOOK_ALLOW_PRIVATE, local mode).
var private = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT, cloud-internal services
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fec0::/10"),
}

// errForbiddenAddress is the dial-time refusal of an address; see CheckAddr.
var errForbiddenAddress = errors.New("webhook: the address is not a public one")

// CheckAddr reports whether a delivery may connect to a. Forbidden
// addresses are refused always, private ones unless allowPrivate.
// IPv4-mapped IPv6 addresses are judged as IPv4.
func CheckAddr(a netip.Addr, allowPrivate bool) error {
	a = a.Unmap()
	for _, p := range forbidden {
		if p.Contains(a) {
			return errForbiddenAddress
		}
	}
	if allowPrivate {
		return nil
	}
	for _, p := range private {
		if p.Contains(a) {
			return errForbiddenAddress
		}
	}
	return nil
}

// CheckURL says whether raw may be registered as an endpoint. It must be an
// absolute https URL without credentials or fragment, at most MaxURLLen
// long, whose host is a name or a public address. With allowPrivate,
// private addresses are accepted too, and plain http to the loopback host
// (127.0.0.1, [::1], localhost) for a receiver on the same machine.
//
// Names are not resolved here: a name may point anywhere by the time an
// event is sent, so the client checks every address it connects to (see
// NewClient). The error's message is safe to show to the caller.
func CheckURL(raw string, allowPrivate bool) error {
	if len(raw) > MaxURLLen {
		return errors.New("must be at most 2048 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return errors.New("must be an absolute URL such as https://example.com/hooks/logifn")
	}
	switch {
	case u.User != nil:
		return errors.New("must not carry credentials; verify the Logifn-Signature header instead")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return errors.New("must not have a fragment")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost")
	if a, err := netip.ParseAddr(host); err == nil {
		if err := CheckAddr(a, allowPrivate); err != nil {
			return errors.New("must point at a public address")
		}
		loopback = a.Unmap().IsLoopback()
	} else if loopback && !allowPrivate {
		return errors.New("must point at a public address")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && allowPrivate && loopback:
		return nil
	}
	return errors.New("must use https")
}
