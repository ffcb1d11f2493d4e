// Package demo seeds the local platform with a tenant a newcomer can try
// logifn on: a small station network, one user of each role and shipments
// at every stage of their journey.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// Tenant is the demo tenant's id.
const Tenant = "demo"

// Users are the demo tenant's users, one per role.
func Users() []domain.Principal {
	return []domain.Principal{
		{Tenant: Tenant, Subject: "customer-1", Role: domain.RoleCustomer},
		{Tenant: Tenant, Subject: "courier-1", Role: domain.RoleCourier, Station: "SHA-01"},
		{Tenant: Tenant, Subject: "operator-1", Role: domain.RoleOperator, Station: "HGH-TC"},
		{Tenant: Tenant, Subject: "admin-1", Role: domain.RoleAdmin},
	}
}

// Stations are the demo network: two hubs, a transit centre and outlets.
func Stations() []domain.Station {
	st := func(code, name string, kind domain.StationKind, region, province, city, district, detail, parent string) domain.Station {
		return domain.Station{Tenant: Tenant, Code: code, Name: name, Kind: kind, Region: region, TimeZone: "Asia/Shanghai", Parent: parent,
			Address: domain.Address{Province: province, City: city, District: district, Detail: detail}}
	}
	return []domain.Station{
		st("SHA-HUB", "上海枢纽 Shanghai Hub", domain.StationHub, "east", "上海市", "上海市", "青浦区", "华新镇物流园 1 号", ""),
		st("SHA-01", "上海徐汇网点 Xuhui Outlet", domain.StationOutlet, "east", "上海市", "上海市", "徐汇区", "漕溪北路 88 号", "SHA-HUB"),
		st("HGH-TC", "杭州转运中心 Hangzhou Transit", domain.StationTransit, "east", "浙江省", "杭州市", "萧山区", "空港大道 300 号", "SHA-HUB"),
		st("BJS-HUB", "北京枢纽 Beijing Hub", domain.StationHub, "north", "北京市", "北京市", "大兴区", "物流港 6 号", ""),
		st("BJS-01", "北京朝阳网点 Chaoyang Outlet", domain.StationOutlet, "north", "北京市", "北京市", "朝阳区", "建国路 1 号", "BJS-HUB"),
	}
}

// Seed writes the demo data unless the demo tenant already has shipments,
// so running it again changes nothing. It returns the number of shipments
// it created. The default rate cards are written as the tenant's own, to
// try PUT /v1/rates on, only on the first run: a later run keeps the
// changes made to them since.
func Seed(ctx context.Context, st *store.Store, now time.Time) (int, error) {
	for _, s := range Stations() {
		if _, err := st.PutStation(ctx, &s); err != nil {
			return 0, fmt.Errorf("seed station %s: %w", s.Code, err)
		}
	}
	existing, err := st.ListShipments(ctx, Tenant, store.ShipmentFilter{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("seed: look for shipments: %w", err)
	}
	if len(existing) > 0 {
		return 0, nil
	}
	for _, c := range domain.DefaultRateCards() {
		if err := st.PutRateCard(ctx, Tenant, c); err != nil {
			return 0, fmt.Errorf("seed rate card %s %s: %w", c.ServiceLevel, c.Zone, err)
		}
	}
	for i, j := range journeys() {
		if err := seedJourney(ctx, st, now, i, j); err != nil {
			return i, err
		}
	}
	return len(journeys()), nil
}

// step is one scan of a demo journey, or with no scan a status change
// (receipt, cancellation), hours before now. A late step was uploaded
// after later ones and does not move the status.
type step struct {
	scan     domain.ScanType
	station  string
	actor    string
	hoursAgo float64
	status   domain.Status
	reason   string
	note     string
	late     bool
}

type journey struct {
	customer, from, to string
	receiver           domain.Party
	items              []domain.Item
	service            domain.ServiceLevel
	steps              []step
}

// createdHoursAgo is an hour before the journey's earliest step, or an
// hour ago for a journey that has none.
func (j journey) createdHoursAgo() float64 {
	first := 0.0
	for _, s := range j.steps {
		if s.hoursAgo > first {
			first = s.hoursAgo
		}
	}
	return first + 1
}

func seedJourney(ctx context.Context, st *store.Store, now time.Time, n int, j journey) error {
	// The shipment is created an hour before its first step, and every step
	// is recorded when it happened, so the timeline reads as it would have.
	at := now.Add(-time.Duration((j.createdHoursAgo()) * float64(time.Hour)))
	past := st.At(func() time.Time { return at })
	sh := &domain.Shipment{
		Tenant: Tenant, CustomerID: j.customer, Sender: sender(j.customer), Receiver: j.receiver, Items: j.items,
		ServiceLevel: j.service, OriginStation: j.from, DestinationStation: j.to, Currency: domain.DefaultCurrency,
	}
	q, err := past.Quote(ctx, Tenant, j.from, j.to, j.service, j.items)
	if err != nil {
		return fmt.Errorf("seed shipment %d: price: %w", n, err)
	}
	sh.Fee, sh.ChargeableWeightG = q.Fee, q.ChargeableWeightG
	if _, err := past.CreateShipment(ctx, sh, j.customer, fmt.Sprintf("demo-seed-%d", n)); err != nil {
		return fmt.Errorf("seed shipment %d: %w", n, err)
	}
	for _, s := range j.steps {
		at = now.Add(-time.Duration(s.hoursAgo * float64(time.Hour)))
		status := s.status
		if s.scan != "" {
			status, _ = s.scan.Status()
		}
		ev := &domain.TrackingEvent{
			Tenant: Tenant, ShipmentID: sh.ID, Waybill: sh.Waybill, Type: s.scan, Status: status, Station: s.station,
			Actor: s.actor, Source: domain.SourceAPI, IncidentReason: s.reason, Note: s.note, OccurredAt: at,
		}
		move := status
		if s.late {
			move = ""
		}
		next, err := past.RecordEvent(ctx, ev, sh.Version, move)
		if err != nil {
			return fmt.Errorf("seed %s step %s: %w", sh.Waybill, status, err)
		}
		sh = next
	}
	return nil
}

func sender(customer string) domain.Party {
	if customer == "customer-2" {
		return domain.Party{Name: "李华", Phone: "+86 139 0000 0002", Address: domain.Address{Province: "浙江省", City: "杭州市", District: "西湖区", Detail: "文三路 90 号"}}
	}
	return domain.Party{Name: "张伟", Phone: "+86 138 0000 0001", Address: domain.Address{Province: "上海市", City: "上海市", District: "徐汇区", Detail: "天钥桥路 100 号 5 楼"}}
}
