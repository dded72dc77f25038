import { LeaseRequestError } from './errors/lease-request.error';

export interface PayloadBounds {
  /** Largest payload, in bytes of its JSON text. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays and objects (a scalar is depth 0). */
  readonly maxDepth: number;
}

/**
 * Nesting depth of a parsed JSON value, measured without recursion (a recursive walk of a hostile
 * document is the stack overflow this guards against). Stops as soon as `limit` is exceeded.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const current = entry.value;
    if (typeof current !== 'object' || current === null) continue;
    const depth = entry.depth + 1;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth });
  }
  return false;
}

/** Refuses a payload that is too deep (400) or too large (413), at the door, before it is stored. */
export function checkPayload(payload: unknown, bounds: PayloadBounds): void {
  if (jsonDepthExceeds(payload, bounds.maxDepth)) {
    throw new LeaseRequestError(400, 'payload-too-deep', `'payload' must not nest deeper than ${bounds.maxDepth} levels`);
  }
  // The depth check above makes serialising safe; the size is what the item would cost to keep and send.
  // JSON.stringify answers undefined for values JSON has no text for (an in-process caller's function).
  const text = JSON.stringify(payload) as string | undefined;
  const bytes = text === undefined ? 4 : Buffer.byteLength(text, 'utf8');
  if (bytes > bounds.maxBytes) {
    throw new LeaseRequestError(413, 'payload-too-large', `'payload' is ${bytes} bytes of JSON; at most ${bounds.maxBytes} are accepted`);
  }
}
