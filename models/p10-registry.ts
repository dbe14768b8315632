/**
 * Pattern 10 — Registry. What a registry may answer after registrations, unregistrations and
 * deaths (processes.md §6.4–§6.7, §6.10), for `:unique` and `:duplicate` keys.
 *
 * The registry's cleanup is asynchronous (§6.6): a process's entries stay in the tables from its
 * death until its partition has handled the `{:EXIT, pid, _}`. So the model tracks, for every
 * process, a *phase* — alive, dead (exit not yet taken), cleaning (the partition is handling the
 * EXIT), clean — and judges an operation against the phases of the processes involved *at its
 * start and at its end*: an operation takes some time, and a death or a cleanup may happen while
 * it runs. The stale window is thereby allowed exactly:
 * - an entry of a dead process may still be read while its cleanup has not finished when the read
 *   begins, and may already be gone once its cleanup has begun when the read ends; never outside;
 * - `whereis_name` (the `:via` path) returns a pid only if it was alive when the call began
 *   (§6.10: it checks `Process.alive?`), so never a process already dead;
 * - registering a key held by a dead process succeeds whether or not it was cleaned up (§6.4:
 *   the stale entry is replaced), and `{:error, {:already_registered, pid}}` names a holder that
 *   was alive during the call.
 *
 * Processes, keys and values are strings (the check prints terms); the model is pure.
 */
export type Kind = 'unique' | 'duplicate';

/** Where a registered process is in its life at one moment (processes.md §6.6). */
export type Phase = 'alive' | 'dead' | 'cleaning' | 'clean';

const RANK: Record<Phase, number> = { alive: 0, dead: 1, cleaning: 2, clean: 3 };

/** The phases of processes at the start and at the end of one operation. */
export interface Span {
  start(owner: string): Phase;
  end(owner: string): Phase;
}

export interface Entry {
  readonly owner: string;
  readonly value: string;
}

export type RegisterResult = { readonly ok: true } | { readonly alreadyRegistered: string };
/** `whereis_name`: a pid, `undefined` (`:undefined`), or the ArgumentError of duplicate registries. */
export type WhereisResult = string | undefined | 'argument_error';

/** Its entries may still be in the tables at some moment of the span. */
export const mayBePresent = (span: Span, owner: string): boolean => span.start(owner) !== 'clean';
/** Its entries may already be gone at some moment of the span (its cleanup has begun). */
export const mayBeAbsent = (span: Span, owner: string): boolean => RANK[span.end(owner)] >= RANK.cleaning;
export const mayBeAlive = (span: Span, owner: string): boolean => span.start(owner) === 'alive';
export const mayBeDead = (span: Span, owner: string): boolean => span.end(owner) !== 'alive';

const show = (entries: readonly Entry[]): string => `[${entries.map((e) => `{${e.owner}, ${e.value}}`).join(', ')}]`;

/**
 * A registry's logical content: every entry registered and not unregistered, including entries
 * of dead processes whose removal the span of a later operation does not yet guarantee.
 * Judging methods return `undefined` when the answer is allowed, else why it is not.
 */
export class RegistryModel {
  private entries = new Map<string, Entry[]>();

  constructor(readonly kind: Kind) {}

  /** Entries of `key`, without those of owners certainly cleaned up before `span` began. */
  private live(key: string, span: Span): Entry[] {
    const kept = (this.entries.get(key) ?? []).filter((e) => mayBePresent(span, e.owner));
    this.entries.set(key, kept);
    return kept;
  }

  /** `Registry.register/3` by `owner` (§6.4): judges `result`, then applies it. */
  register(owner: string, key: string, value: string, result: RegisterResult, span: Span): string | undefined {
    const held = this.live(key, span);
    if (this.kind === 'duplicate') {
      if (!('ok' in result)) return `register(${key}) failed with already_registered ${result.alreadyRegistered}; duplicate registries always register`;
      this.entries.set(key, [...held, { owner, value }]);
      return undefined;
    }
    const holder = held[0];
    const why = holder === undefined ? uniqueFree(key, result) : uniqueHeld(owner, key, holder, result, span);
    if (why === undefined && 'ok' in result) this.entries.set(key, [{ owner, value }]);
    return why;
  }

  /** `Registry.unregister/2` (§6.5): removes the caller's entries for `key`; always `:ok`. */
  unregister(owner: string, key: string): void {
    this.entries.set(key, (this.entries.get(key) ?? []).filter((e) => e.owner !== owner));
  }

  /** `Registry.lookup/2` (§6.6–§6.7): no liveness check; every owner's entries appear all or none. */
  lookup(key: string, result: readonly Entry[], span: Span): string | undefined {
    const all = this.entries.get(key) ?? [];
    const owners = new Set([...all, ...result].map((e) => e.owner));
    for (const owner of owners) {
      const expected = all.filter((e) => e.owner === owner);
      const got = result.filter((e) => e.owner === owner);
      if (got.length === 0) {
        if (expected.length > 0 && mayBePresent(span, owner) && !mayBeAbsent(span, owner)) {
          return `lookup(${key}) left out ${show(expected)}, but ${owner} ${span.end(owner) === 'alive' ? 'was alive' : 'had not been cleaned up'} throughout the call`;
        }
        continue;
      }
      if (expected.length === 0) return `lookup(${key}) returned ${show(got)}, which the registry never held (or had unregistered)`;
      if (!mayBePresent(span, owner)) {
        return `lookup(${key}) returned ${show(got)}, but ${owner} was dead and its partition had finished handling its exit before the call began: the entry should have been removed`;
      }
      if (!sameValues(expected, got)) return `lookup(${key}) returned ${show(got)} for ${owner}, expected ${show(expected)}`;
    }
    this.live(key, span);
    return undefined;
  }

  /** `Registry.whereis_name/1` (§6.10): a pid only if alive; duplicate registries raise. */
  whereis(key: string, result: WhereisResult, span: Span): string | undefined {
    if (this.kind === 'duplicate') {
      return result === 'argument_error' ? undefined : `whereis_name(${key}) on a duplicate registry returned ${String(result)} instead of raising ArgumentError`;
    }
    const holder = this.live(key, span)[0];
    if (result === 'argument_error') return `whereis_name(${key}) raised ArgumentError on a unique registry`;
    if (result === undefined) {
      if (holder === undefined || mayBeAbsent(span, holder.owner) || mayBeDead(span, holder.owner)) return undefined;
      return `whereis_name(${key}) returned :undefined, but ${holder.owner} held the key and was alive throughout the call`;
    }
    if (holder?.owner !== result) return `whereis_name(${key}) returned ${result}, which ${holder ? `does not hold the key (${holder.owner} does)` : 'holds nothing under the key'}`;
    if (!mayBeAlive(span, result)) return `whereis_name(${key}) returned ${result}, which was already dead when the call began`;
    return undefined;
  }

  /** Current entries of `key` as the model holds them (for messages). */
  entriesOf(key: string): readonly Entry[] {
    return this.entries.get(key) ?? [];
  }
}

function uniqueFree(key: string, result: RegisterResult): string | undefined {
  return 'ok' in result ? undefined : `register(${key}) failed with already_registered ${result.alreadyRegistered}, but nobody held the key`;
}

/** §6.4: a live holder (the caller included) refuses; a dead one is replaced, cleaned up or not. */
function uniqueHeld(owner: string, key: string, holder: Entry, result: RegisterResult, span: Span): string | undefined {
  const h = holder.owner;
  if ('ok' in result) {
    if (h === owner) return `register(${key}) succeeded although the caller ${owner} already held the key`;
    return mayBeDead(span, h) ? undefined : `register(${key}) succeeded while ${h} held the key and was alive throughout the call`;
  }
  if (result.alreadyRegistered !== h) return `register(${key}) failed naming ${result.alreadyRegistered}, but the holder is ${h}`;
  if (h === owner) return undefined;
  return mayBeAlive(span, h) ? undefined : `register(${key}) failed with already_registered ${h}, but ${h} was already dead when the call began: a stale entry blocked re-registration`;
}

function sameValues(a: readonly Entry[], b: readonly Entry[]): boolean {
  const sa = a.map((e) => e.value).sort();
  const sb = b.map((e) => e.value).sort();
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}
