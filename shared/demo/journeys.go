package demo

import "github.com/logifn/logifn/shared/domain"

func cny(fen int64) domain.Money { return domain.Money{Amount: fen, Currency: domain.DefaultCurrency} }

func scan(t domain.ScanType, station, actor string, hoursAgo float64) step {
	return step{scan: t, station: station, actor: actor, hoursAgo: hoursAgo}
}

// journeys are the demo shipments, one at every stage: just created, picked
// up, in transit, out for delivery, delivered, received, held by an
// exception, cancelled, and one whose timeline holds a late scan.
func journeys() []journey {
	beijing := domain.Party{Name: "王芳", Phone: "+86 137 0000 0003", Address: domain.Address{Province: "北京市", City: "北京市", District: "朝阳区", Detail: "光华路 9 号 12 层"}}
	hangzhou := domain.Party{Name: "陈静", Phone: "0571-8888 0004", Address: domain.Address{Province: "浙江省", City: "杭州市", District: "滨江区", Detail: "江南大道 588 号"}}
	books := []domain.Item{{Name: "Books 图书", Quantity: 3, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30, DeclaredValue: cny(8900)}}
	tea := []domain.Item{
		{Name: "Longjing tea 龙井茶", Quantity: 2, WeightG: 250, DeclaredValue: cny(36000)},
		{Name: "Tea cups 茶杯", Quantity: 4, WeightG: 180, LengthMM: 90, WidthMM: 90, HeightMM: 80, DeclaredValue: cny(4800)},
	}
	laptop := []domain.Item{{Name: "Laptop 笔记本电脑", Quantity: 1, WeightG: 1800, LengthMM: 380, WidthMM: 280, HeightMM: 60, DeclaredValue: cny(699900)}}
	// Shanghai outlet to the Beijing hub, the trunk of most journeys.
	trunk := func(h float64) []step {
		return []step{scan(domain.ScanPickup, "SHA-01", "courier-1", h), scan(domain.ScanArrive, "SHA-HUB", "operator-9", h-4),
			scan(domain.ScanDepart, "SHA-HUB", "operator-9", h-5), scan(domain.ScanArrive, "BJS-HUB", "operator-7", h-20)}
	}
	lastMile := func(h float64) []step {
		return []step{scan(domain.ScanDepart, "BJS-HUB", "operator-7", h), scan(domain.ScanArrive, "BJS-01", "operator-8", h-3),
			scan(domain.ScanOutForDelivery, "BJS-01", "courier-8", h-4)}
	}
	return []journey{
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: books, service: domain.ServiceStandard},
		{customer: "customer-1", from: "SHA-01", to: "HGH-TC", receiver: hangzhou, items: tea, service: domain.ServiceExpress,
			steps: []step{scan(domain.ScanPickup, "SHA-01", "courier-1", 2)}},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: laptop, service: domain.ServiceExpress,
			steps: trunk(28)},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: books, service: domain.ServiceStandard,
			steps: append(trunk(30), lastMile(8)...)},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: tea, service: domain.ServiceStandard,
			steps: append(append(trunk(50), lastMile(28)...), scan(domain.ScanDeliver, "BJS-01", "courier-8", 22))},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: books, service: domain.ServiceExpress,
			steps: append(append(append(trunk(80), lastMile(58)...), scan(domain.ScanDeliver, "BJS-01", "courier-8", 52)),
				step{status: domain.StatusReceived, actor: "customer-1", hoursAgo: 50, note: "receipt confirmed"})},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: laptop, service: domain.ServiceStandard,
			steps: append(trunk(40), step{scan: domain.ScanException, station: "BJS-HUB", actor: "operator-7", hoursAgo: 19, reason: "damaged_packaging"})},
		{customer: "customer-1", from: "SHA-01", to: "HGH-TC", receiver: hangzhou, items: tea, service: domain.ServiceStandard,
			steps: []step{{status: domain.StatusCancelled, actor: "customer-1", hoursAgo: 3, note: "ordered twice"}}},
		// The Shanghai hub's scanner uploaded its arrival after the departure.
		{customer: "customer-2", from: "HGH-TC", to: "SHA-01", receiver: sender("customer-1"), items: tea, service: domain.ServiceStandard,
			steps: []step{scan(domain.ScanPickup, "HGH-TC", "operator-1", 9), scan(domain.ScanDepart, "SHA-HUB", "operator-9", 4),
				{scan: domain.ScanArrive, station: "SHA-HUB", actor: "operator-9", hoursAgo: 5, late: true}}},
	}
}
