import { formatWireDate, NEVER_WIRE_DATE } from '@internal/peer-health/base/wire-date';

describe('formatWireDate', () => {
  it.each([
    [Date.UTC(2026, 10, 24, 9, 30, 1, 250), '2026-11-24T09:30:01.25+00:00'],
    [Date.UTC(2026, 10, 24, 9, 30, 0, 100), '2026-11-24T09:30:00.1+00:00'],
    [Date.UTC(2026, 10, 24, 9, 30, 0, 123), '2026-11-24T09:30:00.123+00:00'],
    [Date.UTC(2026, 10, 24, 9, 30, 0, 0), '2026-11-24T09:30:00+00:00'],
    [Date.UTC(2026, 10, 24, 9, 30, 0, 0) + 0.5, '2026-11-24T09:30:00.0005+00:00'],
    [Date.UTC(2026, 10, 24, 9, 30, 0, 7) + 0.25, '2026-11-24T09:30:00.00725+00:00'],
  ])('formats %d as %s', (ms, expected) => {
    expect(formatWireDate(ms)).toBe(expected);
  });

  it('writes never, and unusable times, as 0001-01-01T00:00:00+00:00', () => {
    expect(NEVER_WIRE_DATE).toBe('0001-01-01T00:00:00+00:00');
    expect(formatWireDate(null)).toBe(NEVER_WIRE_DATE);
    expect(formatWireDate(Number.NaN)).toBe(NEVER_WIRE_DATE);
    expect(formatWireDate(Number.NEGATIVE_INFINITY)).toBe(NEVER_WIRE_DATE);
  });
});
