package demo

import "github.com/logifn/logifn/shared/domain"

func cny(fen int64) domain.Money { return domain.Money{Amount: fen, Currency: domain.DefaultCurrency} }

// journeys are the demo shipments, from just created to delivered.
func journeys() []journey {
	beijing := domain.Party{Name: "王芳", Phone: "+86 137 0000 0003", Address: domain.Address{Province: "北京市", City: "北京市", District: "朝阳区", Detail: "光华路 9 号 12 层"}}
	hangzhou := domain.Party{Name: "陈静", Phone: "0571-8888 0004", Address: domain.Address{Province: "浙江省", City: "杭州市", District: "滨江区", Detail: "江南大道 588 号"}}
	books := []domain.Item{{Name: "Books 图书", Quantity: 3, WeightG: 450, LengthMM: 240, WidthMM: 170, HeightMM: 30, DeclaredValue: cny(8900)}}
	tea := []domain.Item{
		{Name: "Longjing tea 龙井茶", Quantity: 2, WeightG: 250, DeclaredValue: cny(36000)},
		{Name: "Tea cups 茶杯", Quantity: 4, WeightG: 180, LengthMM: 90, WidthMM: 90, HeightMM: 80, DeclaredValue: cny(4800)},
	}
	laptop := []domain.Item{{Name: "Laptop 笔记本电脑", Quantity: 1, WeightG: 1800, LengthMM: 380, WidthMM: 280, HeightMM: 60, DeclaredValue: cny(699900)}}
	toSHA := []step{{domain.ScanPickup, "SHA-01", "courier-1", 30}, {domain.ScanArrive, "SHA-HUB", "operator-9", 26}, {domain.ScanDepart, "SHA-HUB", "operator-9", 25}}
	return []journey{
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: books, service: domain.ServiceStandard},
		{customer: "customer-1", from: "SHA-01", to: "HGH-TC", receiver: hangzhou, items: tea, service: domain.ServiceExpress,
			steps: []step{{domain.ScanPickup, "SHA-01", "courier-1", 2}}},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: laptop, service: domain.ServiceExpress,
			steps: append(toSHA[:3:3], step{domain.ScanArrive, "BJS-HUB", "operator-7", 8})},
		{customer: "customer-1", from: "SHA-01", to: "BJS-01", receiver: beijing, items: books, service: domain.ServiceStandard,
			steps: append(toSHA[:3:3], step{domain.ScanArrive, "BJS-HUB", "operator-7", 10}, step{domain.ScanDepart, "BJS-HUB", "operator-7", 6},
				step{domain.ScanArrive, "BJS-01", "operator-8", 3}, step{domain.ScanOutForDelivery, "BJS-01", "courier-8", 1})},
		{customer: "customer-1", from: "SHA-01", to: "HGH-TC", receiver: hangzhou, items: tea, service: domain.ServiceStandard,
			steps: append(toSHA[:1:1], step{domain.ScanArrive, "HGH-TC", "operator-1", 20}, step{domain.ScanOutForDelivery, "HGH-TC", "courier-5", 6},
				step{domain.ScanDeliver, "HGH-TC", "courier-5", 4})},
		{customer: "customer-2", from: "HGH-TC", to: "SHA-01", receiver: sender("customer-1"), items: tea, service: domain.ServiceStandard,
			steps: []step{{domain.ScanPickup, "HGH-TC", "operator-1", 5}, {domain.ScanDepart, "HGH-TC", "operator-1", 4}}},
	}
}
