package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/logifn/logifn/shared/domain"
)

// browserCheckDigit runs the page's waybill module on the vectors of
// shared/domain/waybill_test.go and on many serials, against the Go code.
func browserCheckDigit(t *testing.T, b *browser) {
	tb := b.tab(t, "en-US")
	tb.open("/")
	tb.waitFor("the page", "document.querySelector('input[name=waybill]')")
	var serials []int64
	var want []string
	for s := int64(1); s <= 1200; s++ {
		serials = append(serials, s)
	}
	serials = append(serials, 12345, 1234567890, domain.MaxWaybillSerial, 0, domain.MaxWaybillSerial+1)
	for _, s := range serials {
		w, err := domain.NewWaybill(s)
		if err != nil {
			w = ""
		}
		want = append(want, string(w))
	}
	inputs := []string{"LF00000000019", " lf00000000019 ", "LF00000000018", "LF0000000019", "XX00000000019", "LF0000000001X",
		"LF00000000019 0", "", "RB123456785GB", "LF12345678903", "LF99999999995", "LF00000123455"}
	// Every single-digit change and adjacent swap of a few numbers.
	for _, s := range []int64{1, 12345, 1234567890, 987654321} {
		w, err := domain.NewWaybill(s)
		if err != nil {
			continue
		}
		digits := []byte(w)
		for i := 2; i < len(digits); i++ {
			for d := byte('0'); d <= '9'; d++ {
				if d != digits[i] {
					c := slices.Clone(digits)
					c[i] = d
					inputs = append(inputs, string(c))
				}
			}
			if i+1 < len(digits) && digits[i] != digits[i+1] {
				c := slices.Clone(digits)
				c[i], c[i+1] = c[i+1], c[i]
				inputs = append(inputs, string(c))
			}
		}
	}
	var wantParsed []string
	for _, in := range inputs {
		w, err := domain.ParseWaybill(in)
		if err != nil {
			w = ""
		}
		wantParsed = append(wantParsed, string(w))
	}
	sj, _ := json.Marshal(serials)
	ij, _ := json.Marshal(inputs)
	got := evalIn[struct {
		New   []string `json:"new"`
		Parse []string `json:"parse"`
	}](tb, `(async () => {
		const src = document.querySelector('script[type=module]').src.replace(/app\.js$/, 'waybill.js');
		const m = await import(src);
		return {new: `+string(sj)+`.map(m.newWaybill), parse: `+string(ij)+`.map((s) => m.parseWaybill(s).waybill || '')};
	})()`)
	if !slices.Equal(got.New, want) {
		for i := range want {
			if i < len(got.New) && got.New[i] != want[i] {
				t.Errorf("newWaybill(%d) in the page = %q, Go NewWaybill = %q", serials[i], got.New[i], want[i])
			}
		}
		t.Fatalf("the page's check digits differ from Go's (%d values)", len(want))
	}
	if !slices.Equal(got.Parse, wantParsed) {
		for i := range wantParsed {
			if i < len(got.Parse) && got.Parse[i] != wantParsed[i] {
				t.Errorf("parseWaybill(%q) in the page = %q, Go ParseWaybill = %q", inputs[i], got.Parse[i], wantParsed[i])
			}
		}
	}
	t.Logf("check digits of %d serials and %d typed numbers agree with Go", len(serials), len(inputs))
}

// demoWaybill returns the demo shipment with the longest timeline.
func demoWaybill(t *testing.T, p *process, admin string) (string, int) {
	t.Helper()
	best, most := "", -1
	for _, wb := range listedWaybills(t, p, admin) {
		res := p.do(t, request{method: "GET", path: "/v1/tracking/" + string(wb)})
		var v struct {
			Timeline []json.RawMessage `json:"timeline"`
		}
		res.JSON(t, &v)
		if len(v.Timeline) > most {
			best, most = string(wb), len(v.Timeline)
		}
	}
	return best, most
}

func browserTracking(t *testing.T, b *browser, p *process, admin string) {
	wb, events := demoWaybill(t, p, admin)
	tb := b.tab(t, "en-US")
	tb.open("/")
	tb.waitFor("the tracking form", "document.querySelector('input[name=waybill]')")
	tb.shot("home")

	// A mistyped number is refused in the page, before any request.
	bad := wb[:len(wb)-1] + string('0'+(wb[len(wb)-1]-'0'+1)%10)
	tb.setField("input[name=waybill]", bad)
	tb.do(chromedp.Click(chromedp.CSS(".track-form button[type=submit]")))
	if msg := tb.text("#track-error"); !strings.Contains(msg, "check digit") {
		t.Errorf("a wrong check digit says %q, want a word about the check digit", msg)
	}
	if path := evalIn[string](tb, "location.pathname"); path != "/" {
		t.Errorf("a wrong number moved the page to %s", path)
	}
	if n := evalIn[int](tb, "performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/tracking/')).length"); n != 0 {
		t.Errorf("a wrong number made %d tracking requests, want none", n)
	}

	// By keyboard alone: type the number, press Enter.
	tb.setField("input[name=waybill]", "")
	tb.do(chromedp.Focus(chromedp.CSS("input[name=waybill]")), chromedp.SendKeys(chromedp.CSS("input[name=waybill]"), strings.ToLower(wb)+"\r"))
	tb.waitFor("the timeline", "document.querySelectorAll('.timeline li').length > 0")
	if path := evalIn[string](tb, "location.pathname"); path != "/track/"+wb {
		t.Errorf("the tracking page is at %s, want the shareable /track/%s", path, wb)
	}
	if n := evalIn[int](tb, "document.querySelectorAll('.timeline li').length"); n != events {
		t.Errorf("the timeline shows %d events, want the API's %d", n, events)
	}
	if link := tb.text(".share-link"); link != p.base+"/track/"+wb {
		t.Errorf("share link %q, want %s/track/%s", link, p.base, wb)
	}
	times := evalIn[[]string](tb, "[...document.querySelectorAll('.timeline time')].map((e) => e.textContent)")
	for _, s := range times {
		if strings.Contains(s, "T") && strings.Contains(s, "Z") {
			t.Errorf("timeline time %q is raw RFC 3339, want a local time", s)
		}
	}
	tb.shot("tracking")

	// The shareable address works on its own, and a zh browser reads Chinese.
	zh := b.tab(t, "zh-CN,zh;q=0.9,en;q=0.5")
	zh.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	zh.open("/track/" + wb)
	zh.waitFor("the timeline", "document.querySelectorAll('.timeline li').length > 0")
	if h := zh.text("h1"); h != "查询运单" {
		t.Errorf("a zh-CN browser shows the heading %q, want 查询运单", h)
	}
	if lang := evalIn[string](zh, "document.documentElement.lang"); lang != "zh-CN" {
		t.Errorf("html lang = %q, want zh-CN", lang)
	}
	if w := evalIn[int](zh, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("on a 390 px wide phone the page is %d px wide: it scrolls sideways", w)
	}
	zh.shot("tracking-phone-zh")
	// The switch changes the language and keeps it.
	zh.do(chromedp.Click(chromedp.CSS("button.lang")))
	if h := zh.text("h1"); h != "Track a shipment" {
		t.Errorf("after the language switch the heading is %q", h)
	}
	zh.do(chromedp.Click(chromedp.CSS("button.lang")))
	if h := zh.text("h1"); h != "查询运单" {
		t.Errorf("after switching back the heading is %q", h)
	}
	// The choice is kept for the next visit; forget it for the other tabs.
	if kept := evalIn[string](zh, "localStorage.getItem('logifn.lang')"); kept != "zh" {
		t.Errorf("the language choice kept is %q, want zh", kept)
	}
	evalIn[bool](zh, "localStorage.removeItem('logifn.lang') === undefined")
}

func browserRoles(t *testing.T, b *browser) {
	roles := []struct {
		role    domain.Role
		subject string
		nav     []string
	}{
		{domain.RoleCustomer, "customer-1", []string{"Track", "Shipments", "Send", "Stations"}},
		{domain.RoleCourier, "courier-1", []string{"Track", "Shipments", "Stations"}},
		{domain.RoleOperator, "operator-1", []string{"Track", "Shipments", "Send", "Stations", "Reports"}},
		{domain.RoleAdmin, "admin-1", []string{"Track", "Shipments", "Send", "Stations", "Reports", "Webhooks"}},
	}
	for _, r := range roles {
		tb := b.tab(t, "en-US")
		tb.open("/#/signin")
		tb.waitFor("the demo role buttons", "document.querySelectorAll('button.role').length === 4")
		if r.role == domain.RoleCustomer {
			tb.shot("signin")
		}
		tb.signIn(r.role)
		if who := tb.text(".who"); !strings.Contains(who, r.subject) {
			t.Errorf("%s: the header says %q, want %s", r.role, who, r.subject)
		}
		if nav := evalIn[[]string](tb, "[...document.querySelectorAll('header nav a')].map((a) => a.textContent)"); !slices.Equal(nav, r.nav) {
			t.Errorf("%s: navigation %q, want %q", r.role, nav, r.nav)
		}
		rows := evalIn[int](tb, "document.querySelectorAll('table.shipments tbody tr').length")
		if rows == 0 {
			t.Errorf("%s: the shipment list is empty; the demo tenant has shipments for every role", r.role)
		}
		if r.role == domain.RoleAdmin {
			tb.shot("shipments")
			// Filters and the next page.
			tb.setField("select[name=status]", "delivered")
			tb.do(chromedp.Click(chromedp.CSS(".filters button[type=submit]")))
			tb.waitFor("the filtered list", "location.hash.includes('status=delivered') && document.querySelector('table.shipments, main p.muted')")
			statuses := evalIn[[]string](tb, "[...document.querySelectorAll('table.shipments .badge')].map((b) => b.textContent)")
			for _, s := range statuses {
				if s != "Delivered" {
					t.Errorf("filtered by delivered, the list shows %q", s)
				}
			}
		}
	}
	// Pages follow the cursor forwards and come back.
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleAdmin)
	rowsJS := "[...document.querySelectorAll('table.shipments tbody tr td:first-child')].map((td) => td.textContent).join(',')"
	tb.open("/#/shipments?limit=4")
	tb.waitFor("the first page", "document.querySelectorAll('table.shipments tbody tr').length === 4")
	first := evalIn[string](tb, rowsJS)
	tb.do(chromedp.Click(chromedp.Search("//button[text()='Next page']")))
	tb.waitFor("the second page", "location.hash.includes('cursor=') && document.querySelector('table.shipments') && "+rowsJS+" !== "+jsString(first))
	second := evalIn[string](tb, rowsJS)
	if strings.Contains(first, strings.Split(second, ",")[0]) {
		t.Errorf("the second page %s repeats the first %s", second, first)
	}
	tb.do(chromedp.Click(chromedp.Search("//button[text()='Previous page']")))
	tb.waitFor("the first page again", "!location.hash.includes('cursor=') && document.querySelector('table.shipments') && "+rowsJS+" === "+jsString(first))

	// A pasted token signs in too; a malformed one is refused in words.
	tb = b.tab(t, "en-US")
	tb.open("/#/signin")
	tb.setField("textarea[name=token]", "not a token")
	tb.do(chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	if msg := tb.text("#signin-error"); msg != "That is not a valid token." {
		t.Errorf("a malformed token says %q", msg)
	}
	tb.setField("textarea[name=token]", token(t, demoUser(t, domain.RoleOperator), 0))
	tb.do(chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	tb.waitFor("the list", "document.querySelector('table.shipments')")
	if who := tb.text(".who"); !strings.Contains(who, "operator-1") {
		t.Errorf("after pasting a token the header says %q", who)
	}
}

var createdPattern = regexp.MustCompile(`Shipment (LF\d{11}) created`)

func browserCreate(t *testing.T, b *browser, p *process, admin string) string {
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleCustomer)
	tb.open("/#/new")
	tb.waitFor("the form", "document.querySelector('select[name=origin_station] option[value=\"SHA-01\"]')")
	fields := [][2]string{
		{"sender.name", "张伟"}, {"sender.phone", "+86 138 0000 0001"}, {"sender.province", "上海市"}, {"sender.city", "上海市"},
		{"sender.district", "徐汇区"}, {"sender.detail", "天钥桥路 100 号"},
		{"receiver.name", "王芳"}, {"receiver.phone", "+86 137 0000 0003"}, {"receiver.province", "北京市"}, {"receiver.city", "北京市"},
		{"receiver.district", "朝阳区"}, {"receiver.detail", "光华路 9 号"},
		{"origin_station", "SHA-01"}, {"destination_station", "BJS-01"}, {"service_level", "express"},
	}
	for _, f := range fields {
		tb.setField(`[name="`+f[0]+`"]`, f[1])
	}
	tb.setField(".item [name=name]", "Books")
	tb.setField(".item [name=quantity]", "2")
	tb.setField(".item [name=weight_g]", "450")
	tb.setField(".item [name=declared_value]", "89.00")
	// The quote follows the form.
	tb.waitFor("a quote", "document.querySelector('output.quote .fee')")
	first := tb.text("output.quote .fee")
	var quote struct {
		Fee struct{ Amount string } `json:"fee"`
	}
	p.do(t, request{method: "POST", path: "/v1/quotes", token: admin, body: map[string]any{"origin_station": "SHA-01",
		"destination_station": "BJS-01", "service_level": "express", "items": []any{map[string]any{"quantity": 2, "weight_g": 450}}}}).JSON(t, &quote)
	if first != "¥"+quote.Fee.Amount {
		t.Errorf("the form quotes %q, the API %s", first, quote.Fee.Amount)
	}
	tb.setField(".item [name=weight_g]", "4500")
	tb.waitFor("a new quote", "document.querySelector('output.quote .fee') && document.querySelector('output.quote .fee').textContent !== "+jsString(first))
	tb.shot("create")
	tb.do(chromedp.Click(chromedp.CSS("main form button[type=submit].primary")))
	tb.waitFor("the list after creating", "location.hash === '#/shipments' && document.querySelector('.flash.ok') && document.querySelector('table.shipments')")
	m := createdPattern.FindStringSubmatch(tb.text(".flash.ok"))
	if m == nil {
		t.Fatalf("after creating, the page says %q", tb.text(".flash.ok"))
	}
	if top := tb.text("table.shipments tbody tr:first-child td:first-child a"); top != m[1] {
		t.Errorf("the list starts with %s, want the new %s", top, m[1])
	}
	res := p.do(t, request{method: "GET", path: "/v1/shipments/" + m[1], token: admin})
	var sh struct {
		CustomerID string `json:"customer_id"`
		Status     string `json:"status"`
		Items      []struct {
			WeightG int `json:"weight_g"`
		} `json:"items"`
	}
	res.JSON(t, &sh)
	if res.Status != http.StatusOK || sh.CustomerID != "customer-1" || sh.Status != "created" || len(sh.Items) != 1 || sh.Items[0].WeightG != 4500 {
		t.Errorf("the API has %s as %d %+v", m[1], res.Status, sh)
	}
	return m[1]
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func browserScan(t *testing.T, b *browser, wb string) {
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleCourier)
	tb.open("/#/shipments/" + wb)
	tb.waitFor("the detail", "document.querySelector('form.scan') && document.querySelectorAll('.timeline li').length > 0")
	before := evalIn[int](tb, "document.querySelectorAll('.timeline li').length")
	if st := tb.text("form.scan input[name=station]"); st != "" {
		t.Logf("station field says %q", st)
	}
	if station := evalIn[string](tb, "document.querySelector('form.scan input[name=station]').value"); station != "SHA-01" {
		t.Errorf("the courier scans at %q, want their station SHA-01", station)
	}
	tb.setField("form.scan select[name=type]", "pickup")
	if evalIn[bool](tb, "document.querySelector('form.scan input[name=incident_reason]').offsetParent !== null") {
		t.Error("the incident reason is asked for a pickup scan")
	}
	tb.setField("form.scan select[name=type]", "exception")
	if evalIn[bool](tb, "document.querySelector('form.scan input[name=incident_reason]').offsetParent === null") {
		t.Error("the incident reason is not asked for an exception scan")
	}
	tb.setField("form.scan select[name=type]", "pickup")
	tb.setField("form.scan input[name=note]", "picked up at the counter")
	tb.do(chromedp.Click(chromedp.CSS("form.scan button[type=submit]")))
	tb.waitFor("the grown timeline", fmt.Sprintf("document.querySelectorAll('.timeline li').length === %d && document.querySelector('.flash.ok')", before+1))
	if msg := tb.text(".flash.ok"); msg != "Recorded; the status moved." {
		t.Errorf("after the scan the page says %q", msg)
	}
	if st := tb.text(".headline .badge"); st != "Picked up" {
		t.Errorf("status %q after a pickup, want Picked up", st)
	}
	if latest := tb.text(".timeline li.latest strong"); latest != "Pickup" {
		t.Errorf("the latest event is %q, want Pickup", latest)
	}
	tb.shot("detail")
}

// browserReceipt: the customer confirms receipt of a delivered shipment
// of theirs (确认收件), and the page shows the new status.
func browserReceipt(t *testing.T, b *browser, p *process) {
	customer := token(t, demoUser(t, domain.RoleCustomer), 0)
	res := p.do(t, request{method: "GET", path: "/v1/shipments?status=delivered", token: customer})
	var page struct {
		Shipments []struct {
			Waybill string `json:"waybill"`
		} `json:"shipments"`
	}
	res.JSON(t, &page)
	if len(page.Shipments) == 0 {
		t.Fatal("the demo customer has no delivered shipment to confirm")
	}
	wb := page.Shipments[0].Waybill
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleCustomer)
	tb.open("/#/shipments/" + wb)
	tb.waitFor("the receipt button", "[...document.querySelectorAll('.actions button')].some((b) => b.textContent === 'Confirm receipt')")
	if evalIn[bool](tb, "!!document.querySelector('form.scan')") {
		t.Error("a customer is offered the scan form")
	}
	tb.do(chromedp.Click(chromedp.Search("//button[text()='Confirm receipt']")))
	tb.waitFor("the confirmation", "document.querySelector('.flash.ok') && document.querySelector('.headline .badge').textContent === 'Received'")
	if msg := tb.text(".flash.ok"); msg != "Receipt confirmed." {
		t.Errorf("after confirming, the page says %q", msg)
	}
	var sh struct {
		Status string `json:"status"`
	}
	p.do(t, request{method: "GET", path: "/v1/shipments/" + wb, token: customer}).JSON(t, &sh)
	if sh.Status != "received" {
		t.Errorf("the API has %s as %s after the confirmation, want received", wb, sh.Status)
	}
}

func browserRefused(t *testing.T, b *browser, wb string) {
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleCourier)
	tb.open("/#/shipments/" + wb)
	tb.waitFor("the scan form", "document.querySelector('form.scan')")
	before := evalIn[int](tb, "document.querySelectorAll('.timeline li').length")
	// Picked up cannot become delivered without going out for delivery.
	tb.setField("form.scan select[name=type]", "deliver")
	tb.do(chromedp.Click(chromedp.CSS("form.scan button[type=submit]")))
	tb.waitFor("the refusal", "document.querySelector('main > p.error') && document.querySelector('main > p.error').textContent !== ''")
	msg := tb.text("main > p.error")
	if msg != "The shipment is Picked up: its status does not allow that." {
		t.Errorf("a refused scan says %q, want the words for illegal_transition", msg)
	}
	if strings.Contains(msg, "illegal_transition") || strings.Contains(msg, "409") {
		t.Errorf("the refusal shows a raw code: %q", msg)
	}
	if n := evalIn[int](tb, "document.querySelectorAll('.timeline li').length"); n != before {
		t.Errorf("a refused scan changed the timeline from %d to %d events", before, n)
	}
	tb.shot("refused")
	// The same refusal in Chinese.
	zh := b.tab(t, "zh-CN")
	zh.signIn(domain.RoleCourier)
	zh.open("/#/shipments/" + wb)
	zh.waitFor("the scan form", "document.querySelector('form.scan')")
	zh.setField("form.scan select[name=type]", "deliver")
	zh.do(chromedp.Click(chromedp.CSS("form.scan button[type=submit]")))
	zh.waitFor("the refusal", "document.querySelector('main > p.error') && document.querySelector('main > p.error').textContent !== ''")
	if msg := zh.text("main > p.error"); msg != "运单当前状态为「已揽收」，不允许这个操作。" {
		t.Errorf("in Chinese the refusal says %q", msg)
	}
}

// browserLateAnswer: a screen whose data comes after the reader has moved
// on draws nothing over the screen that followed it. The shipment's
// answer is held back in the page until the stations screen is drawn;
// before, the shipment's screen then replaced it, and where one
// shipment's screen was drawn twice, a scan form the reader had filled in
// was replaced by a fresh one under the next click.
func browserLateAnswer(t *testing.T, b *browser, wb string) {
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleAdmin)
	evalIn[bool](tb, fmt.Sprintf(`(() => {
		const real = window.fetch;
		window.lateAnswers = 0;
		window.fetch = (url, opts) => String(url).endsWith('/v1/shipments/%s')
			? new Promise((ok) => setTimeout(ok, 700)).then(() => real(url, opts)).finally(() => { window.lateAnswers++; })
			: real(url, opts);
		location.hash = '#/shipments/%s';
		return true; })()`, wb, wb))
	evalIn[bool](tb, `(() => { location.hash = '#/stations'; return true; })()`)
	tb.waitFor("the stations screen", "document.querySelector('main table')")
	tb.waitFor("the shipment's late answer", "window.lateAnswers >= 1")
	evalIn[bool](tb, "new Promise((ok) => setTimeout(() => ok(true), 50))") // let the late screen draw, if it would
	if !evalIn[bool](tb, "!!document.querySelector('main table') && !document.querySelector('form.scan')") {
		t.Errorf("the shipment's late answer drew over the stations screen: %.300q", tb.text("main"))
	}
}

// browserPhotos uploads a photo without a barcode through the API, waits
// for waybill-image-ingest to keep it for review, and finds its thumbnail
// on the shipment's page, loaded from a presigned URL.
func browserPhotos(t *testing.T, b *browser, p *process, admin, wb string) {
	res := p.do(t, request{method: "POST", path: "/v1/shipments/" + wb + "/images", token: admin,
		body: map[string]any{"kind": "damage", "content_type": "image/png"}})
	var up struct {
		Upload struct {
			URL     string              `json:"url"`
			Method  string              `json:"method"`
			Headers map[string][]string `json:"headers"`
		} `json:"upload"`
	}
	res.JSON(t, &up)
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			img.Set(x, y, color.RGBA{uint8(120 + x/4), uint8(90 + y/4), 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(up.Upload.Method, up.Upload.URL, bytes.NewReader(buf.Bytes()))
	for k, v := range up.Upload.Headers {
		req.Header[k] = v
	}
	put, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	put.Body.Close()
	if put.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d", put.StatusCode)
	}
	deadline := time.Now().Add(browserTimeout)
	for {
		var list struct {
			Images []struct {
				Status       string `json:"status"`
				ThumbnailURL string `json:"thumbnail_url"`
			} `json:"images"`
		}
		p.do(t, request{method: "GET", path: "/v1/shipments/" + wb + "/images", token: admin}).JSON(t, &list)
		if len(list.Images) == 1 && list.Images[0].Status != "" && list.Images[0].ThumbnailURL != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the photo was not processed in time: %+v", list)
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleAdmin)
	tb.open("/#/shipments/" + wb)
	tb.waitFor("a loaded thumbnail", "document.querySelector('.thumbs img') && document.querySelector('.thumbs img').complete && document.querySelector('.thumbs img').naturalWidth > 0")
	if badge := tb.text(".thumbs .badge"); badge != "needs review" {
		t.Errorf("a photo without a barcode is marked %q, want needs review", badge)
	}
	if w := evalIn[int](tb, "document.querySelector('.thumbs img').naturalWidth"); w > 320 {
		t.Errorf("the thumbnail is %d px wide, want the 320 px thumbnail, not the photo", w)
	}
	tb.shot("photos")
}

func browserAdminScreens(t *testing.T, b *browser) {
	tb := b.tab(t, "en-US")
	tb.signIn(domain.RoleAdmin)
	tb.open("/#/stations")
	tb.waitFor("the stations", "document.querySelectorAll('main table tbody tr').length > 0")
	tb.setField("main form [name=code]", "SHA-02")
	for _, f := range [][2]string{{"name", "Minhang Outlet"}, {"kind", "outlet"}, {"region", "east"}, {"time_zone", "Asia/Shanghai"},
		{"parent", "SHA-HUB"}, {"province", "上海市"}, {"city", "上海市"}, {"district", "闵行区"}, {"detail", "1 号"}} {
		tb.setField("main form [name="+f[0]+"]", f[1])
	}
	tb.do(chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	tb.waitFor("the saved station", "document.querySelector('.flash.ok') && [...document.querySelectorAll('main table td')].some((td) => td.textContent === 'SHA-02')")
	tb.shot("stations")

	tb.open("/#/reports?station=SHA-01")
	tb.waitFor("the report chart", "document.querySelectorAll('svg.chart rect').length === 11")
	if label := evalIn[string](tb, "document.querySelector('svg.chart').getAttribute('aria-label')"); !strings.Contains(label, "Picked up") {
		t.Errorf("the chart's label %q does not read out the figures", label)
	}
	tb.shot("report")

	tb.open("/#/webhooks")
	tb.waitFor("the webhook form", "document.querySelector('main form input[name=url]')")
	tb.setField("main form input[name=url]", "http://127.0.0.1:9/logifn-hook")
	tb.do(chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	tb.waitFor("the secret", "document.querySelector('.secret-slot code')")
	if secret := tb.text(".secret-slot code"); !strings.HasPrefix(secret, "whsec_") {
		t.Errorf("the new endpoint's secret shows as %q", secret)
	}
	if n := evalIn[int](tb, "document.querySelectorAll('ul.hooks li').length"); n != 1 {
		t.Errorf("%d endpoints listed, want 1", n)
	}
	tb.shot("webhooks")
}
