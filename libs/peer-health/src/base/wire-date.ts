import { NEVER_WIRE_DATE } from './never-wire-date';

export { NEVER_WIRE_DATE };

/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z, in epoch ms. */
export const MIN_WIRE_MS = -62_135_596_800_000;
const MAX_WIRE_MS = 253_402_300_800_000;

let memoMs = Number.NaN;
let memoText = '';
/** The `YYYY-MM-DDTHH:mm:ss` of the second last formatted: times of one second differ only in the fraction. */
let memoSecond = Number.NaN;
let memoSecondPrefix = '';
/** `.5`, `.25`, `.125`, ... for whole milliseconds 0-999 (empty for 0), built once. */
const FRACTIONS: readonly string[] = Array.from({ length: 1000 }, (_, ms) => {
  const digits = String(ms).padStart(3, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
});

/**
 * Formats epoch milliseconds as the seed system did: ISO-8601 UTC with `+00:00`, fractional seconds
 * (up to 100 ns ticks) without trailing zeros, and no fraction at all when it is zero.
 */
export function formatWireDate(epochMs: number | null): string {
  // Bursts of events share their millisecond: remember the last one formatted.
  if (epochMs === memoMs) return memoText;
  const text = formatUncached(epochMs);
  if (epochMs !== null) {
    memoMs = epochMs;
    memoText = text;
  }
  return text;
}

function formatUncached(epochMs: number | null): string {
  // Outside years 0001-9999 there is no such date in the format; such times are garbage: "never".
  if (epochMs === null || !(epochMs >= MIN_WIRE_MS && epochMs < MAX_WIRE_MS)) return NEVER_WIRE_DATE;
  if (Number.isInteger(epochMs)) {
    const second = Math.floor(epochMs / 1000);
    if (second !== memoSecond) {
      memoSecond = second;
      memoSecondPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    }
    return `${memoSecondPrefix}${FRACTIONS[epochMs - second * 1000] ?? ''}+00:00`;
  }
  const wholeMs = Math.floor(epochMs);
  const date = new Date(wholeMs);
  // toISOString: YYYY-MM-DDTHH:mm:ss.sssZ
  const iso = date.toISOString();
  const ticks = Math.min(9_999, Math.round((epochMs - wholeMs) * 10_000));
  let fraction = ticks === 0 ? iso.slice(20, 23) : iso.slice(20, 23) + String(ticks).padStart(4, '0');
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48 /* '0' */) end--;
  fraction = fraction.slice(0, end);
  return fraction ? `${iso.slice(0, 19)}.${fraction}+00:00` : `${iso.slice(0, 19)}+00:00`;
}
