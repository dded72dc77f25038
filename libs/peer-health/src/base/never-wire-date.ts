/** How the wire format writes "never": .NET's DateTimeOffset.MinValue. */
export const NEVER_WIRE_DATE = '0001-01-01T00:00:00+00:00';
