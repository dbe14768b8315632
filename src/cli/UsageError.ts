/** Bad input from the user: printed as one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {}

/** A positive integer option (`--runs 100`). */
export function parseCount(name: string, value: string | undefined, fallback: number, max = 10_000_000): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  const n = Number(value);
  if (n < 1 || n > max) throw new UsageError(`--${name} must be between 1 and ${max}, got ${value}`);
  return n;
}

/** A 32-bit seed (`--seed 42`). */
export function parseSeed(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--seed must be an integer, got "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new UsageError(`--seed must fit in 32 bits, got ${value}`);
  return n | 0;
}

/** One of a fixed set of words (`--semantics otp25`). */
export function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** A fast-check replay path (`--path 3:1:0`). */
export function parsePath(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(:\d+)*$/.test(value)) throw new UsageError(`--path must look like 12:3:0 (as printed with a failure), got "${value}"`);
  return value;
}
