package tests

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
	"github.com/sirupsen/logrus"
)

// secretValue returns a random secret of at least 32 bytes, easy to find.
func secretValue(t *testing.T, what string) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return what + "-" + hex.EncodeToString(b)
}

// checkNoSecrets fails t for every secret found in text, as it is or URL
// encoded.
func checkNoSecrets(t *testing.T, where, text string, secrets map[string]string) {
	t.Helper()
	for name, s := range secrets {
		if strings.Contains(text, s) || strings.Contains(text, url.QueryEscape(s)) {
			t.Errorf("%s shows the %s", where, name)
		}
	}
}

// mysqlUser creates a MariaDB user with a password, allowed on the
// database of dsn, dropped when t ends, and returns dsn as that user.
func mysqlUser(t *testing.T, dsn, password string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin := openSQL(t, dsn)
	user := "logifn_s_" + secretValue(t, "u")[2:12]
	for _, q := range []string{
		fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'%%' IDENTIFIED BY '%s'", user, password),
		fmt.Sprintf("CREATE USER IF NOT EXISTS '%s'@'localhost' IDENTIFIED BY '%s'", user, password),
		fmt.Sprintf("GRANT ALL ON `%s`.* TO '%s'@'%%'", cfg.DBName, user),
		fmt.Sprintf("GRANT ALL ON `%s`.* TO '%s'@'localhost'", cfg.DBName, user),
	} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatalf("create the database user: %v", err)
		}
	}
	t.Cleanup(func() {
		for _, host := range []string{"%", "localhost"} {
			if _, err := admin.Exec(fmt.Sprintf("DROP USER IF EXISTS '%s'@'%s'", user, host)); err != nil {
				t.Errorf("drop database user %s: %v", user, err)
			}
		}
	})
	cfg.User, cfg.Passwd = user, password
	return cfg.FormatDSN()
}

// withPassword returns dsn with another password, or another address when
// addr is not empty.
func withPassword(t *testing.T, dsn, password, addr string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Passwd = password
	if addr != "" {
		cfg.Addr = addr
	}
	return cfg.FormatDSN()
}

// TestSecretsNeverLogged starts functions with a password in the MySQL
// DSN, a JWT secret and cloud secret keys in their environment, makes them
// fail in every way it can (a wrong password, an unreachable database, bad
// tokens, a failing object store, bad configuration) and checks that no
// line any of them prints shows a secret.
func TestSecretsNeverLogged(t *testing.T) {
	skipShort(t)
	t.Parallel()
	bins := binaries(t)
	base := database{driver: store.DriverMySQL, dsn: storetest.MySQLDSN(t)}
	seed(t, bins, base)
	password := secretValue(t, "dbpass")
	wrong := secretValue(t, "wrongpass")
	good := mysqlUser(t, base.dsn, password)
	secrets := map[string]string{
		"database password":       password,
		"wrong database password": wrong,
		"JWT secret":              secretValue(t, "jwt"),
		"OSS access key secret":   secretValue(t, "osssecret"),
		"OSS security token":      secretValue(t, "osstoken"),
		"AWS secret access key":   secretValue(t, "awssecret"),
		"AWS session token":       secretValue(t, "awstoken"),
		"short JWT secret":        secretValue(t, "short")[:24],
	}
	cloud := env{
		"LOGIFN_JWT_SECRET":               secrets["JWT secret"],
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     "LTAI5tLogifnTestKey",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": secrets["OSS access key secret"],
		"ALIBABA_CLOUD_SECURITY_TOKEN":    secrets["OSS security token"],
		"AWS_ACCESS_KEY_ID":               "AKIALOGIFNTESTKEY",
		"AWS_SECRET_ACCESS_KEY":           secrets["AWS secret access key"],
		"AWS_SESSION_TOKEN":               secrets["AWS session token"],
		// Invocations (webhook kicks, scan file chunks) go to an FC API
		// that is not there, signed with the secret key above.
		"LOGIFN_INVOKE_BACKEND":     "fc",
		"LOGIFN_INVOKE_FC_ENDPOINT": "http://127.0.0.1:" + freePort(t),
		"LOGIFN_INVOKE_FC_SERVICE":  "logifn",
	}
	on := func(dsn string) env {
		return database{driver: store.DriverMySQL, dsn: dsn}.env().with(cloud)
	}
	keys, err := auth.NewKeys(secrets["JWT secret"], nil)
	if err != nil {
		t.Fatal(err)
	}
	customer := demoUser(t, domain.RoleCustomer)
	tok, err := keys.Mint(customer, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	create := startServer(t, "shipment-create, right password", bins.function("shipment-create"),
		withEnv(fcLaunch("shipment-create", base), on(good)))
	denied := startServer(t, "shipment-get, wrong password", bins.function("shipment-get"),
		withEnv(knativeLaunch("shipment-get", base), on(withPassword(t, good, wrong, ""))))
	away := startServer(t, "shipment-get, database unreachable", bins.function("shipment-get"),
		withEnv(fcLaunch("shipment-get", base), on(withPassword(t, good, password, "127.0.0.1:"+freePort(t)))))
	ingest := startServer(t, "scan-file-ingest, object store unreachable", bins.function("scan-file-ingest"),
		withEnv(fcLaunch("scan-file-ingest", base), on(good).with(env{"LOGIFN_BLOB_DRIVER": "oss",
			"LOGIFN_BLOB_BUCKET": "logifn-scans", "LOGIFN_BLOB_ENDPOINT": "http://127.0.0.1:" + freePort(t)})))

	res := create.do(t, request{method: "POST", path: "/v1/shipments", token: tok, body: shipmentBody()})
	if res.Status != http.StatusCreated {
		t.Fatalf("create with the right password: %d %s, want 201", res.Status, res.Body)
	}
	var sh shipmentView
	res.JSON(t, &sh)
	for _, bad := range []string{token(t, customer, 0), noneToken(t, customer), "not.a.token", tok + "x", secrets["JWT secret"]} {
		if res := create.do(t, request{method: "POST", path: "/v1/shipments", token: bad, body: shipmentBody()}); res.Status != http.StatusUnauthorized {
			t.Errorf("create with a bad token: %d, want 401", res.Status)
		}
	}
	for _, p := range []*process{denied, away} {
		if res := p.do(t, request{method: "GET", path: "/v1/shipments/" + string(sh.Waybill), token: tok}); res.Status < 500 {
			t.Errorf("%s: GET a shipment answered %d, want a 5xx", p.name, res.Status)
		}
		if res := p.do(t, request{method: "GET", path: "/readyz"}); res.Status != http.StatusServiceUnavailable && res.Status != http.StatusInternalServerError {
			t.Errorf("%s: GET /readyz answered %d, want 503 or 500", p.name, res.Status)
		}
	}
	event, err := os.ReadFile("../functions/scan-file-ingest/testdata/fc-oss-event.json")
	if err != nil {
		t.Fatal(err)
	}
	// The demo tenant's station, so the file is fetched, not refused.
	event = bytes.ReplaceAll(event, []byte("scans/t1/SHA01/"), []byte("scans/demo/SHA-01/"))
	if res := ingest.do(t, request{method: "POST", path: "/invoke", body: event}); res.Status/100 == 2 {
		t.Errorf("scan file from an unreachable object store: %d, want a failure", res.Status)
	}

	// Processes that refuse to start print their reason, and nothing else.
	for name, e := range map[string]env{
		"short JWT secret": on(good).with(env{"LOGIFN_JWT_SECRET": secrets["short JWT secret"]}),
		"malformed DSN":    on(strings.TrimSuffix(good, "/"+mustDBName(t, good))),
	} {
		out := failedStart(t, bins.function("shipment-get"), fcLaunch("shipment-get", base), e)
		checkNoSecrets(t, "shipment-get with a "+name, out, secrets)
	}
	cli := exec.Command(bins.logifn(), "migrate")
	cli.Env = baseEnv().with(on(withPassword(t, good, wrong, ""))).list()
	out, err := cli.CombinedOutput()
	if err == nil {
		t.Errorf("logifn migrate with a wrong password succeeded: %s", out)
	}
	checkNoSecrets(t, "logifn migrate with a wrong password", string(out), secrets)

	// Each process must have logged its failure, or the search proves
	// nothing.
	for p, failure := range map[*process]string{create: "kick of webhook-dispatch failed", denied: "Access denied",
		away: "the database is unavailable", ingest: "object storage is unavailable"} {
		p.stop(t)
		checkNoSecrets(t, p.name+" stderr", p.stderr.String(), secrets)
		checkNoSecrets(t, p.name+" stdout", p.stdout.String(), secrets)
		if !strings.Contains(p.stderr.String(), failure) {
			t.Errorf("%s did not log %q: the search proves nothing\n%s", p.name, failure, p.stderr.tail(10))
		}
	}
}

// mustDBName returns the database name of dsn.
func mustDBName(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.DBName
}

// failedStart starts bin as l says with e on top, expects it to exit
// non-zero and returns what it printed.
func failedStart(t *testing.T, bin string, l launch, e env) string {
	t.Helper()
	args, le := l(freePort(t))
	cmd := exec.Command(bin, args...)
	cmd.Env = baseEnv().with(le).with(e).list()
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		cmd.Process.Kill()
		<-done
		t.Errorf("%s started with a bad configuration", bin)
	}
	if err == nil {
		t.Errorf("%s exited 0 with a bad configuration: %s", bin, out)
	}
	if len(bytes.TrimSpace(out)) == 0 {
		t.Errorf("%s exited without saying why", bin)
	}
	return string(out)
}

// TestWebhookSecretsNeverLogged registers webhook endpoints in process,
// rotates a secret and runs webhook-dispatch against a receiver that fails
// and one that cannot be reached: no signing secret, old or new, may reach
// the logs.
func TestWebhookSecretsNeverLogged(t *testing.T) {
	skipShort(t)
	st := storetest.SQLite(t)
	h := apptest.New(t, st, registry.All()...)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Echo what came, signature included, as a careless receiver would.
		w.WriteHeader(http.StatusInternalServerError)
		for k, v := range r.Header {
			fmt.Fprintf(w, "%s: %s\n", k, v)
		}
	}))
	t.Cleanup(receiver.Close)
	ctx := context.Background()
	secrets := map[string]string{}
	var failing *webhook.Endpoint
	for i, target := range []string{receiver.URL + "/hook", "http://127.0.0.1:" + freePort(t) + "/hook"} {
		e := &webhook.Endpoint{Tenant: "t1", URL: target, Secret: secretValue(t, "whsec"),
			EventTypes: []webhook.EventType{webhook.EventStatusChanged}}
		if err := st.CreateWebhookEndpoint(ctx, e); err != nil {
			t.Fatal(err)
		}
		secrets[fmt.Sprintf("webhook secret %d", i)] = e.Secret
		if failing == nil {
			failing = e
		}
	}
	admin := domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	res := h.Do(apptest.Request{Method: "POST", Path: "/v1/webhooks/" + failing.ID + "/rotate-secret", Token: h.Token(admin)})
	var rotated struct {
		Secret string `json:"secret"`
	}
	res.JSON(t, &rotated)
	if res.Status/100 != 2 || rotated.Secret == "" {
		t.Fatalf("rotate secret: %d %s", res.Status, res.Body)
	}
	secrets["rotated webhook secret"] = rotated.Secret
	storetest.ShipmentIn(t, st, "t1", domain.StatusInTransit)

	d := *h.Deps
	d.Config.WebhookAllowPrivate = true
	d.Config.WebhookTimeout = 2 * time.Second
	var dispatch app.Spec
	for _, s := range registry.All() {
		if s.Name == app.WebhookDispatch {
			dispatch = s
		}
	}
	hs, err := dispatch.New(&d)
	if err != nil {
		t.Fatal(err)
	}
	tickCtx := reqctx.WithLogger(ctx, logrus.NewEntry(d.Log))
	if err := hs.Tick(tickCtx, platform.Tick{Name: app.WebhookDispatch, Time: time.Now()}); err != nil {
		t.Logf("dispatch tick: %v", err)
	}
	secrets["JWT secret"] = apptest.Secret
	logs := h.Logs.String()
	if n := strings.Count(logs, "webhook delivery failed"); n < 2 {
		t.Fatalf("%d failed deliveries logged, want one per endpoint: the search would prove nothing\n%s", n, logs)
	}
	checkNoSecrets(t, "the logs", logs, secrets)
}
