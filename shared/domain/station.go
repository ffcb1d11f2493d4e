package domain

import (
	"strings"
	"time"
)

// StationKind says what a station does in the network.
type StationKind string

// The station kinds.
const (
	StationHub     StationKind = "hub"
	StationTransit StationKind = "transit_centre"
	StationOutlet  StationKind = "outlet"
)

// Valid reports whether k is a known station kind.
func (k StationKind) Valid() bool {
	return k == StationHub || k == StationTransit || k == StationOutlet
}

// Station is a place where parcels are handled. Daily figures use its local
// day, in TimeZone (an IANA name such as Asia/Shanghai).
type Station struct {
	Tenant    string      `json:"-"`
	Code      string      `json:"code"`
	Name      string      `json:"name"`
	Kind      StationKind `json:"kind"`
	Region    string      `json:"region"`
	Address   Address     `json:"address"`
	TimeZone  string      `json:"time_zone"`
	Parent    string      `json:"parent,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// Validate reports every problem with st, with field paths.
func (st *Station) Validate() error {
	var p Problems
	checkCode(&p, "code", st.Code)
	CheckText(&p, "name", st.Name, maxNameLen, true)
	if !st.Kind.Valid() {
		p.Add("kind", "must be hub, transit_centre or outlet")
	}
	CheckText(&p, "region", st.Region, maxAddressPartLen, true)
	CheckText(&p, "address.province", st.Address.Province, maxAddressPartLen, true)
	CheckText(&p, "address.city", st.Address.City, maxAddressPartLen, true)
	CheckText(&p, "address.district", st.Address.District, maxAddressPartLen, false)
	CheckText(&p, "address.detail", st.Address.Detail, maxAddressPartLen, false)
	if _, err := time.LoadLocation(st.TimeZone); err != nil || st.TimeZone == "" || st.TimeZone == "Local" {
		p.Add("time_zone", "must be an IANA time zone such as Asia/Shanghai")
	}
	if st.Parent != "" {
		checkCode(&p, "parent", st.Parent)
		if st.Parent == st.Code {
			p.Add("parent", "must not be the station itself")
		}
	}
	return p.Err()
}

// ValidStationCode reports whether code is 1 to 32 upper-case letters,
// digits, dashes or underscores.
func ValidStationCode(code string) bool {
	if code == "" || len(code) > 32 {
		return false
	}
	return !strings.ContainsFunc(code, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	})
}
