/**
 * Pattern 10 — Registry. What a unique registry returns after registration, death and cleanup
 * (processes.md §6.4–§6.6, §6.10): registration of a key held by a live process fails; an entry of a
 * dead process stays visible to `lookup` until the registry has processed the exit, but
 * `whereis_name` (the `:via` path) checks liveness; a stale entry does not block re-registration.
 */
export interface Entry {
  readonly owner: string;
  readonly value: string;
}

export class UniqueRegistryModel {
  private readonly entries = new Map<string, Entry>();
  private readonly dead = new Set<string>();

  register(owner: string, key: string, value: string): 'ok' | { already_registered: string } {
    const held = this.entries.get(key);
    if (held && !this.dead.has(held.owner)) return { already_registered: held.owner };
    this.entries.set(key, { owner, value });
    return 'ok';
  }

  unregister(owner: string, key: string): void {
    if (this.entries.get(key)?.owner === owner) this.entries.delete(key);
  }

  /** The process died; its entries stay until `cleanup` (the partition handles the EXIT). */
  died(owner: string): void {
    this.dead.add(owner);
  }

  cleanup(owner: string): void {
    for (const [key, e] of [...this.entries]) if (e.owner === owner) this.entries.delete(key);
  }

  /** `lookup`: no liveness check, may return a dead owner before cleanup. */
  lookup(key: string): Entry[] {
    const e = this.entries.get(key);
    return e ? [e] : [];
  }

  /** `whereis_name`: the owner only if alive. */
  whereisName(key: string): string | undefined {
    const e = this.entries.get(key);
    return e && !this.dead.has(e.owner) ? e.owner : undefined;
  }

  /** The set of results `lookup` may give between a death and its cleanup. */
  lookupMayBeStale(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && this.dead.has(e.owner);
  }
}
