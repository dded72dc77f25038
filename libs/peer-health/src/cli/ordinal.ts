/**
 * Ordinal (UTF-16 code unit) order: the same on every machine, unlike localeCompare. The CLI keeps its
 * own copy of the kit's ordering rule because its files import nothing but Node and each other, so the
 * bin starts without loading Nest.
 */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
