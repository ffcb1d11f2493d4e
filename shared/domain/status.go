package domain

// Status is the coarse, forward-only state of a shipment.
type Status string

// The shipment statuses.
const (
	StatusCreated        Status = "created"
	StatusPickedUp       Status = "picked_up"
	StatusInTransit      Status = "in_transit"
	StatusOutForDelivery Status = "out_for_delivery"
	StatusDelivered      Status = "delivered"
	StatusReceived       Status = "received"
	StatusDeliveryFailed Status = "delivery_failed"
	StatusException      Status = "exception"
	StatusReturning      Status = "returning"
	StatusReturned       Status = "returned"
	StatusCancelled      Status = "cancelled"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusCreated, StatusPickedUp, StatusInTransit, StatusOutForDelivery, StatusDelivered,
	StatusReceived, StatusDeliveryFailed, StatusException, StatusReturning, StatusReturned,
	StatusCancelled,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

var (
	staff    = []Role{RoleCourier, RoleOperator, RoleAdmin, RoleSystem}
	receiver = []Role{RoleCustomer, RoleAdmin, RoleSystem}
	canceler = []Role{RoleCustomer, RoleAdmin}
)

// transitions says who may move a shipment from one status to another. A
// move to the same status (another arrive or depart while in transit) is
// listed where it is allowed.
var transitions = map[Status]map[Status][]Role{
	StatusCreated: {
		StatusPickedUp:  staff,
		StatusCancelled: canceler,
		StatusException: staff,
	},
	StatusPickedUp: {
		StatusInTransit:      staff,
		StatusOutForDelivery: staff,
		StatusException:      staff,
		StatusReturning:      staff,
	},
	StatusInTransit: {
		StatusInTransit:      staff,
		StatusOutForDelivery: staff,
		StatusException:      staff,
		StatusReturning:      staff,
	},
	StatusOutForDelivery: {
		StatusDelivered:      staff,
		StatusDeliveryFailed: staff,
		StatusException:      staff,
		StatusInTransit:      staff,
	},
	StatusDeliveryFailed: {
		StatusOutForDelivery: staff,
		StatusInTransit:      staff,
		StatusException:      staff,
		StatusReturning:      staff,
	},
	StatusException: {
		StatusInTransit:      staff,
		StatusOutForDelivery: staff,
		StatusDelivered:      staff,
		StatusReturning:      staff,
		StatusException:      staff,
	},
	StatusDelivered: {
		StatusReceived: receiver,
	},
	StatusReturning: {
		StatusInTransit: staff,
		StatusReturned:  staff,
		StatusException: staff,
	},
}

// CheckTransition returns nil when role may move a shipment from one status
// to another, a conflict naming the current status when the move does not
// exist, and forbidden when it exists but not for role.
func CheckTransition(from, to Status, role Role) error {
	roles, ok := transitions[from][to]
	if !ok {
		e := Errorf(KindConflict, "illegal_transition", "a shipment in status %s cannot become %s", from, to)
		e.Details = []FieldError{{Field: "status", Message: "current status is " + string(from)}}
		return e
	}
	for _, r := range roles {
		if r == role {
			return nil
		}
	}
	return Errorf(KindForbidden, "transition_forbidden", "role %s may not move a shipment from %s to %s", role, from, to)
}
