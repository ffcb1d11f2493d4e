package storetest

import (
	"context"
	"testing"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// The stations Shipment sends from and to. Create them with Station first.
const (
	OriginStation      = "SHA01"
	DestinationStation = "PEK01"
)

// Station returns a valid outlet station of tenant with code, in Shanghai.
func Station(tenant, code string) *domain.Station {
	return &domain.Station{
		Tenant:   tenant,
		Code:     code,
		Name:     "Station " + code,
		Kind:     domain.StationOutlet,
		Region:   "East China",
		Address:  domain.Address{Province: "上海市", City: "上海市", District: "浦东新区", Detail: "世纪大道 100 号"},
		TimeZone: "Asia/Shanghai",
	}
}

// Shipment returns a valid new shipment of tenant for customer "cust-1",
// from OriginStation to DestinationStation, with two items worth 12.50 and
// 0.99 CNY.
func Shipment(tenant string) *domain.Shipment {
	return &domain.Shipment{
		Tenant:     tenant,
		CustomerID: "cust-1",
		Sender: domain.Party{Name: "张三", Phone: "+86 138-0000-0001",
			Address: domain.Address{Province: "上海市", City: "上海市", District: "浦东新区", Detail: "世纪大道 100 号"}},
		Receiver: domain.Party{Name: "李四", Phone: "13900000002",
			Address: domain.Address{Province: "北京市", City: "北京市", District: "朝阳区", Detail: "建国路 1 号"}},
		Items: []domain.Item{
			{Name: "book", Quantity: 2, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30,
				DeclaredValue: domain.Money{Amount: 1250, Currency: "CNY"}},
			{Name: "pen", Quantity: 1, WeightG: 20, DeclaredValue: domain.Money{Amount: 99, Currency: "CNY"}},
		},
		ServiceLevel:       domain.ServiceStandard,
		OriginStation:      OriginStation,
		DestinationStation: DestinationStation,
		Currency:           "CNY",
		Status:             domain.StatusCreated,
		Version:            1,
	}
}

// lifecyclePaths are the statuses a shipment passes through to reach each
// status, after created.
var lifecyclePaths = map[domain.Status][]domain.Status{
	domain.StatusCreated:        {},
	domain.StatusPickedUp:       {domain.StatusPickedUp},
	domain.StatusInTransit:      {domain.StatusPickedUp, domain.StatusInTransit},
	domain.StatusOutForDelivery: {domain.StatusPickedUp, domain.StatusInTransit, domain.StatusOutForDelivery},
	domain.StatusDelivered:      {domain.StatusPickedUp, domain.StatusInTransit, domain.StatusOutForDelivery, domain.StatusDelivered},
}

// ShipmentIn stores Shipment(tenant), creating its stations if needed, and
// records the events that bring it to status, which must be one of
// created, picked_up, in_transit, out_for_delivery or delivered.
func ShipmentIn(t testing.TB, st *store.Store, tenant string, status domain.Status) *domain.Shipment {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{OriginStation, DestinationStation} {
		if _, err := st.Station(ctx, tenant, code); err == nil {
			continue
		}
		if _, err := st.PutStation(ctx, Station(tenant, code)); err != nil {
			t.Fatal(err)
		}
	}
	sh := Shipment(tenant)
	if _, err := st.CreateShipment(ctx, sh, sh.CustomerID, ""); err != nil {
		t.Fatal(err)
	}
	path, ok := lifecyclePaths[status]
	if !ok {
		t.Fatalf("ShipmentIn: no path to %s", status)
	}
	for _, s := range path {
		ev := &domain.TrackingEvent{Tenant: tenant, ShipmentID: sh.ID, Status: s, Actor: "storetest", Source: domain.SourceAPI}
		next, err := st.RecordEvent(ctx, ev, sh.Version, s)
		if err != nil {
			t.Fatal(err)
		}
		sh = next
	}
	return sh
}
