/**
 * JSON pieces written straight into a byte buffer, without building strings: the renderer's
 * changed entries go through these. Callers make sure the buffer has room (see the bounds below);
 * nothing here checks it, and a typed array drops writes past its end rather than failing.
 * @internal
 */

/** Most bytes a string of `length` UTF-16 units takes as a JSON string literal (`\u00XX` is 6 per unit). */
export const quotedBound = (length: number): number => 6 * length + 2;

/** Most bytes a number takes (a safe integer has at most 16 digits; String() of any number is at most 24 characters). */
export const NUMBER_BOUND = 32;

/** The bytes of an ASCII constant, for copying into bodies. */
export const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Copies a constant; returns the position after it. */
export function writeBytes(target: Uint8Array, at: number, bytes: Uint8Array): number {
  // One native copy: cheaper than a byte loop from about 8 bytes on, and constants are longer.
  target.set(bytes, at);
  return at + bytes.length;
}

/**
 * Below this length a JS loop copies a string faster than a call into the native encoder (measured
 * with V8 12: the call costs about as much as 20-30 characters of the loop).
 */
const NATIVE_COPY_FROM = 24;

/** Copies text known to be ASCII (dates, canonical UUIDs), one byte per character. */
export function writeAscii(target: Buffer, at: number, text: string): number {
  // For ASCII text latin1 is one byte per character, the same bytes as UTF-8.
  if (text.length >= NATIVE_COPY_FROM) return at + target.write(text, at, 'latin1');
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/**
 * `text` as a JSON string literal. Printable ASCII without `"` or `\` (nearly every id, key and
 * value) is copied byte by byte; anything else goes through JSON.stringify and UTF-8 encoding,
 * which is what the wire format is defined by.
 */
export function writeQuoted(target: Buffer, at: number, text: string): number {
  target[at] = 34;
  let p = at + 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return at + target.write(JSON.stringify(text), at, 'utf8');
    target[p++] = c;
  }
  target[p] = 34;
  return p + 1;
}

/** `value` as JSON writes it: digits by hand for non-negative safe integers, String() otherwise. */
export function writeNumber(target: Buffer, at: number, value: number): number {
  if (!(value >= 0 && Number.isSafeInteger(value))) return writeAscii(target, at, String(value));
  if (value < 10) {
    target[at] = 48 + value;
    return at + 1;
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let p = at + digits;
  for (let rest = value; p > at; rest = Math.floor(rest / 10)) target[--p] = 48 + (rest % 10);
  return at + digits;
}
