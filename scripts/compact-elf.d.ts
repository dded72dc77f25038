/**
 * Moves a 64-bit little-endian ELF file's section header table to the first free 8-byte-aligned offset
 * after everything else when only zeros lie in between, and truncates the file after it. Returns the
 * number of bytes removed (0 when there is no gap). Throws, changing nothing, on anything unexpected.
 */
export function compactSectionHeaders(path: string): number;
