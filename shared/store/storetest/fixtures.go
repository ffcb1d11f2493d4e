package storetest

import "github.com/logifn/logifn/shared/domain"

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
