// Package domain holds logifn's business types and rules: shipments and
// their parties, items and stations; the status set and the transition table
// that says who may move a shipment where; waybill numbers with their check
// digit; UPU S10 identifiers; money in minor units; and the one error type
// every other package speaks. It depends on the standard library only.
package domain
