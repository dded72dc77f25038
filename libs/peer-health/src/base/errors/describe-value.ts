/**
 * A rejected value as error messages name it: short strings quoted, long ones by length, other
 * values by kind (never their contents).
 * @internal
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of length ${value.length}` : JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}
