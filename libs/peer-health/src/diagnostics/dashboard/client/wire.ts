/** Reading untrusted JSON from the host: every field is checked before it is used. */

/** An object read from the wire (its fields unknown until checked). */
export type WireObject = Record<string, unknown>;

/** The value when it is a (non-array or array) object, else null. */
export function asObject(value: unknown): WireObject | null {
  return typeof value === 'object' && value !== null ? (value as WireObject) : null;
}

/** A field of a wire value, undefined when the value is no object. */
export function field(value: unknown, name: string): unknown {
  const object = asObject(value);
  return object === null ? undefined : object[name];
}

/** The array field of a wire value, or an empty array. */
export function arrayField(value: unknown, name: string): readonly unknown[] {
  const found = field(value, name);
  return Array.isArray(found) ? (found as readonly unknown[]) : [];
}
