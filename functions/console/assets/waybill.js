// Waybill numbers: LF, a ten-digit serial and a check digit (docs/waybill.md).
// The same algorithm as shared/domain/waybill.go, so that the page refuses a
// mistyped number before it asks the server.

const prefix = 'LF';
const weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

// checkDigit returns the check value 0..10 of ten serial digits.
export function checkDigit(serial) {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += weights[i] * (serial.charCodeAt(i) - 48);
  return (11 - (sum % 11)) % 11;
}

// newWaybill returns the waybill number of a serial, or '' for a serial out
// of range or one whose check would be 10 (such serials are never issued).
export function newWaybill(serial) {
  if (!Number.isInteger(serial) || serial < 1 || serial > 9999999999) return '';
  const digits = String(serial).padStart(10, '0');
  const check = checkDigit(digits);
  return check === 10 ? '' : prefix + digits + check;
}

// parseWaybill returns {waybill} for a valid number (trimmed, prefix in any
// case) or {error: 'format' | 'check'}.
export function parseWaybill(input) {
  const s = String(input ?? '').trim().toUpperCase();
  if (s.length !== 13 || !s.startsWith(prefix) || !/^[0-9]{11}$/.test(s.slice(2))) return { error: 'format' };
  if (Number(s[12]) !== checkDigit(s.slice(2, 12))) return { error: 'check' };
  return { waybill: s };
}
