package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
)

// The demo network's stations the workloads ship between, and the demo
// customer whose shipments they are.
const (
	origin      = "SHA-01"
	destination = "BJS-01"
	customer    = "customer-1"
)

var (
	sender   = domain.Party{Name: "张三", Phone: "13800000001", Address: domain.Address{Province: "上海市", City: "上海市", District: "徐汇区", Detail: "漕溪北路 88 号"}}
	receiver = domain.Party{Name: "王芳", Phone: "13700000003", Address: domain.Address{Province: "北京市", City: "北京市", District: "朝阳区", Detail: "光华路 9 号"}}
	items    = []domain.Item{
		{Name: "Books 图书", Quantity: 3, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30, DeclaredValue: domain.Money{Amount: 8900, Currency: "CNY"}},
		{Name: "Longjing tea 龙井茶", Quantity: 2, WeightG: 250, DeclaredValue: domain.Money{Amount: 36000, Currency: "CNY"}},
		{Name: "Tea cups 茶杯", Quantity: 4, WeightG: 180, LengthMM: 90, WidthMM: 90, HeightMM: 80, DeclaredValue: domain.Money{Amount: 4800, Currency: "CNY"}},
	}
)

// createBody is the body of POST /v1/shipments the workloads send: three
// items, as a customer sends it.
const createBody = `{"sender":{"name":"张三","phone":"13800000001","address":{"province":"上海市","city":"上海市","district":"徐汇区","detail":"漕溪北路 88 号"}},` +
	`"receiver":{"name":"王芳","phone":"13700000003","address":{"province":"北京市","city":"北京市","district":"朝阳区","detail":"光华路 9 号"}},` +
	`"origin_station":"SHA-01","destination_station":"BJS-01","service_level":"standard","items":[` +
	`{"name":"Books 图书","quantity":3,"weight_g":450,"length_mm":240,"width_mm":170,"height_mm":30,"declared_value":{"amount":"89.00","currency":"CNY"}},` +
	`{"name":"Longjing tea 龙井茶","quantity":2,"weight_g":250,"declared_value":{"amount":"360.00","currency":"CNY"}},` +
	`{"name":"Tea cups 茶杯","quantity":4,"weight_g":180,"length_mm":90,"width_mm":90,"height_mm":80,"declared_value":{"amount":"48.00","currency":"CNY"}}]}`

// principal returns the demo user of role.
func principal(role domain.Role) domain.Principal {
	for _, u := range demo.Users() {
		if u.Role == role {
			return u
		}
	}
	panic("no demo user of role " + string(role))
}

// token returns a bearer token of the demo user of role, signed with the
// run's secret.
func (w *World) token(role domain.Role) (string, error) {
	return w.Deps.Keys.Mint(principal(role), 2*time.Hour)
}

// createShipments stores n shipments of the demo customer through the
// store, as POST /v1/shipments would, and returns their waybill numbers.
func (w *World) createShipments(ctx context.Context, n int) ([]domain.Waybill, error) {
	var out []domain.Waybill
	for range n {
		sh := &domain.Shipment{Tenant: demo.Tenant, CustomerID: customer, Sender: sender, Receiver: receiver, Items: items,
			ServiceLevel: domain.ServiceStandard, OriginStation: origin, DestinationStation: destination, Currency: "CNY"}
		if _, err := w.Deps.Store.CreateShipment(ctx, sh, customer, ""); err != nil {
			return nil, fmt.Errorf("create a fixture shipment: %w", err)
		}
		out = append(out, sh.Waybill)
	}
	return out, nil
}

// valueRows returns n copies of a row of cols placeholders, comma-separated.
func valueRows(cols, n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}
