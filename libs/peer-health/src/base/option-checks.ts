import { describeValue } from './errors/describe-value';
import { PeerHealthConfigurationError } from './errors/peer-health-configuration.error';

/** Returns `value`, or `fallback` when undefined; throws naming `option` when it is not a positive number. */
export function positiveNumberOption(
  option: string,
  value: unknown,
  fallback: number,
  allowInfinity = false,
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' && value > 0 && (Number.isFinite(value) || (allowInfinity && value === Infinity));
  if (!valid) {
    const expected = allowInfinity ? 'a positive number of milliseconds or Infinity' : 'a positive finite number';
    throw new PeerHealthConfigurationError(option, `Option '${option}' must be ${expected}, got ${describeValue(value)}.`);
  }
  return value;
}

/** Like positiveNumberOption, for counts. */
export function positiveIntegerOption(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new PeerHealthConfigurationError(
      option,
      `Option '${option}' must be a positive integer, got ${describeValue(value)}.`,
    );
  }
  return value;
}

/** Throws naming `option` when `value` is given and is not an object with the named methods. */
export function objectWithMethodsOption(option: string, value: unknown, methods: readonly string[]): void {
  if (value === undefined) return;
  const candidate = value as Record<string, unknown> | null;
  if (typeof value !== 'object' || candidate === null || methods.some((m) => typeof candidate[m] !== 'function')) {
    throw new PeerHealthConfigurationError(
      option,
      `Option '${option}' must be an object with method(s) ${methods.map((m) => `${m}()`).join(', ')}, got ${describeValue(value)}.`,
    );
  }
}
