package main

import (
	"net"
	"net/http"
	"time"

	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/web"
)

// DemoTokensPattern is where the local platform hands out the demo users'
// tokens, for the web console's one-click sign-in. Only `logifn serve`
// serves it: no deployed function has such a route.
const DemoTokensPattern = "GET /_local/demo-tokens"

// demoTokenTTL is how long the demo tokens of one start stay valid.
const demoTokenTTL = 24 * time.Hour

// demoToken is one demo user with a ready token.
type demoToken struct {
	Role    string `json:"role"`
	Subject string `json:"subject"`
	Station string `json:"station,omitempty"`
	Token   string `json:"token"`
}

// demoTokens are the tokens the banner prints and the console offers.
type demoTokens struct {
	Tenant string      `json:"tenant"`
	Users  []demoToken `json:"users"`
}

// mintDemoTokens signs a token for every demo user.
func mintDemoTokens(keys *auth.Keys) (demoTokens, error) {
	out := demoTokens{Tenant: demo.Tenant}
	for _, u := range demo.Users() {
		tok, err := keys.Mint(u, demoTokenTTL)
		if err != nil {
			return demoTokens{}, err
		}
		out.Users = append(out.Users, demoToken{Role: string(u.Role), Subject: u.Subject, Station: u.Station, Token: tok})
	}
	return out, nil
}

// handler serves the tokens as JSON, never cached, and only to callers on
// this machine: `logifn serve --addr 0.0.0.0:8080` shares the console, not
// the admin's token.
func (t demoTokens) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromLoopback(r) {
			web.WriteError(w, r, domain.Errorf(domain.KindNotFound, "not_found", "no such resource"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		web.WriteJSON(w, http.StatusOK, t)
	})
}

// fromLoopback reports whether r came from a loopback address. Forwarding
// headers are not trusted: a proxy on this machine makes every caller look
// local, so the tokens stay for a console opened on this machine.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
