/** Code units read from the ring in one call (longer strings go in pieces: arguments are bounded). */
const DIRECT_UNITS = 4096;
/** Strings up to this length are read through an array of their length, reused. */
const SHORT_UNITS = 64;
const SHORT_CODES: number[][] = [];
/** A string record holds the low code unit of each word first; a Uint16Array view sees that order on little-endian hosts. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The `size` UTF-16 code units written from word `position` of `ring` on, two per word (the low
 * half first). `units` views the same memory. A string that lies in one run of the ring (most ids,
 * lease ids and labels) is read as code units at once; one that wraps, or a long one, word by word.
 * @internal
 */
export function ringText(ring: Int32Array, units: Uint16Array, position: number, size: number): string {
  const mask = ring.length - 1;
  const first = position & mask;
  if (LITTLE_ENDIAN && size <= DIRECT_UNITS && first + ((size + 1) >> 1) <= ring.length) {
    if (size > SHORT_UNITS) return String.fromCharCode.apply(null, units.subarray(2 * first, 2 * first + size) as unknown as number[]);
    // Short (ids, lease ids): copied into an array kept per length, so that only the string is allocated.
    const codes = (SHORT_CODES[size] ??= new Array<number>(size).fill(0));
    for (let i = 0, at = 2 * first; i < size; i++, at++) codes[i] = units[at] ?? 0;
    return String.fromCharCode.apply(null, codes);
  }
  const codes = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    const word = ring[(position + (i >> 1)) & mask] ?? 0;
    codes[i] = i & 1 ? word >>> 16 : word & 0xffff;
  }
  let text = '';
  for (let from = 0; from < size; from += DIRECT_UNITS) text += String.fromCharCode(...codes.slice(from, from + DIRECT_UNITS));
  return text;
}
