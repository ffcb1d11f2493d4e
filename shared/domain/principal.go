package domain

// Role is what a caller may do within its tenant.
type Role string

// The roles. RoleSystem is never in a token: scheduled jobs and object
// events act with it.
const (
	RoleCustomer Role = "customer"
	RoleCourier  Role = "courier"
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
	RoleSystem   Role = "system"
)

// Roles lists the roles a token may carry.
var Roles = []Role{RoleCustomer, RoleCourier, RoleOperator, RoleAdmin}

// Valid reports whether r may appear in a token.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// Principal is the authenticated caller: who, in which tenant, with which
// role, and for couriers and operators the station they work at.
type Principal struct {
	Tenant  string
	Subject string
	Role    Role
	Station string
}

// CanSee reports whether p may read shipment s. Callers must already have
// scoped s to p's tenant; the check here is within the tenant.
func (p Principal) CanSee(s *Shipment) bool {
	switch p.Role {
	case RoleAdmin, RoleSystem:
		return true
	case RoleCustomer:
		return s.CustomerID == p.Subject
	case RoleCourier, RoleOperator:
		return true
	}
	return false
}

// CheckSee returns nil when p may read shipment s, and otherwise the
// not-found error a shipment of another tenant gets, so that a refusal
// tells nothing of the shipment.
func (p Principal) CheckSee(s *Shipment) error {
	if !p.CanSee(s) {
		return Errorf(KindNotFound, "not_found", "shipment not found")
	}
	return nil
}
