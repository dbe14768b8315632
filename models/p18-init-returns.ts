/**
 * Pattern 18 — init/1 return values, and what they do to `start_link`, to the caller and to a
 * supervisor (processes.md §3.1.4–§3.1.5 and §8; supervision.md rules 30, 32, 33, 77, 79–81).
 *
 * Results are printed Elixir terms with `PID` for any pid and `CHILD` for the internal child
 * record OTP puts in `start_child` errors (rule 77), so that a property compares them as strings.
 *
 * Checked with real Elixir 1.14 / OTP 25 and 1.18 / OTP 27 (a linked trapping caller of
 * `GenServer.start_link`): on OTP 25 *every* init that does not return `{:ok, …}` — `:ignore`
 * included — leaves `{:EXIT, pid, reason}` in the caller's mailbox (`:ignore` exits `:normal` after
 * acking); on OTP 26+ proc_lib consumes it in every case.
 */
export type Profile = 'current' | 'otp25';

export type InitReturn =
  | { kind: 'ok' }
  | { kind: 'ok_timeout'; timeout: number | 'infinity' | 'hibernate' | 'continue' }
  | { kind: 'ignore' }
  | { kind: 'stop'; reason: string }
  | { kind: 'error'; reason: string }
  | { kind: 'raise'; message: string }
  | { kind: 'exit'; reason: string }
  | { kind: 'bad'; value: string };

const isOk = (init: InitReturn): boolean => init.kind === 'ok' || init.kind === 'ok_timeout';

/** An id atom as Elixir prints it: `:c1`, but `MyApp.Feature` for a module. */
const atom = (id: string): string => (/^[A-Z]/.test(id) ? id : `:${id}`);

/** The `{:error, r}` reason `start_link` returns, printed, or null when it does not fail. */
export function startError(init: InitReturn, profile: Profile): string | null {
  switch (init.kind) {
    case 'ok':
    case 'ok_timeout':
    case 'ignore':
      return null;
    case 'stop':
    case 'exit':
      return `:${init.reason}`;
    case 'error':
      return profile === 'current' ? `:${init.reason}` : `{:bad_return_value, {:error, :${init.reason}}}`;
    case 'raise':
      return `{%RuntimeError{message: "${init.message}"}, []}`;
    case 'bad':
      return `{:bad_return_value, :${init.value}}`;
  }
}

/** What `GenServer.start_link` returns (§3.1.4, §8 for `{:error, r}`). */
export function startLinkResult(init: InitReturn, profile: Profile): string {
  if (isOk(init)) return '{:ok, PID}';
  if (init.kind === 'ignore') return ':ignore';
  return `{:error, ${startError(init, profile)!}}`;
}

/** The server process's own exit reason when init did not return ok (`:normal` for ignore). */
export function serverExit(init: InitReturn, profile: Profile): string | null {
  if (isOk(init)) return null;
  if (init.kind === 'ignore') return ':normal';
  if (init.kind === 'error' && profile === 'current') return ':normal'; // OTP 26+: a silent normal exit
  return startError(init, profile);
}

/** §3.1.5 / D1: a trapping caller finds `{:EXIT, pid, reason}` left in its mailbox (OTP 25 only). */
export function leavesExitMessage(init: InitReturn, profile: Profile): boolean {
  return profile === 'otp25' && serverExit(init, profile) !== null;
}

/** What happens to a linked caller that does not trap exits (§3.1.5). */
export interface CallerFate {
  /** The link kills it with the server's exit reason (any reason but `:normal`). */
  readonly killed: boolean;
  /**
   * Whether `start_link` returns before the kill: always when not killed; never on OTP 26+ (the
   * starter waits for the DOWN); either way on OTP 25 (the ack races the exit signal).
   */
  readonly returns: 'always' | 'never' | 'maybe';
}

export function callerFate(init: InitReturn, profile: Profile): CallerFate {
  const reason = serverExit(init, profile);
  const killed = reason !== null && reason !== ':normal';
  if (!killed) return { killed, returns: 'always' };
  return { killed, returns: profile === 'current' ? 'never' : 'maybe' };
}

/**
 * Rules 30, 32, 33: how a static supervisor treats a child's start. `:ignore` keeps a non-temporary
 * spec with pid `:undefined` and is not a failure; any error fails the supervisor's start.
 */
export function supervisorStart(init: InitReturn): 'running' | 'ignored' | 'failed' {
  if (isOk(init)) return 'running';
  if (init.kind === 'ignore') return 'ignored';
  return 'failed';
}

// ------------------------------------------------------------------------------- a static supervisor

export type RestartType = 'permanent' | 'transient' | 'temporary';

export interface InitChild {
  readonly id: string;
  readonly restart: RestartType;
}

/** Init return of start attempt n (1-based, per child id over the whole run). */
export type InitScript = (id: string, attempt: number) => InitReturn;

interface Entry {
  readonly id: string;
  readonly restart: RestartType;
  running: boolean;
}

export interface StartUp {
  /** Start attempts in order. */
  readonly attempted: string[];
  /** Children stopped by the rollback, in order (newest first). */
  readonly rolledBack: string[];
  /** `{:ok, PID}` or `{:error, {:shutdown, {:failed_to_start_child, :id, reason}}}`. */
  readonly result: string;
}

/**
 * A static supervisor whose children's init/1 returns follow a script: start-up (rules 29, 32,
 * 33), then the API that pattern 18's "later activation" uses — `restart_child` (rule 79),
 * `terminate_child` (78), `delete_child` (80), `start_child` (77), `which_children` (81). No child
 * crashes here (patterns 5 and 13 cover exits and restarts).
 */
export class StaticInitModel {
  /** Children in start order (oldest first). */
  private readonly children: Entry[] = [];
  private readonly attempts = new Map<string, number>();
  private failed = false;

  constructor(
    private readonly specs: readonly InitChild[],
    private readonly script: InitScript,
    readonly profile: Profile,
  ) {}

  get stopped(): boolean {
    return this.failed;
  }

  /** Start attempts made so far, over all children. */
  get totalAttempts(): number {
    let n = 0;
    for (const k of this.attempts.values()) n += k;
    return n;
  }

  startUp(): StartUp {
    const attempted: string[] = [];
    for (const spec of this.specs) {
      attempted.push(spec.id);
      const init = this.attempt(spec.id);
      const error = startError(init, this.profile);
      if (error !== null) {
        this.failed = true;
        const rolledBack = this.children.filter((c) => c.running).map((c) => c.id).reverse();
        return { attempted, rolledBack, result: `{:error, {:shutdown, {:failed_to_start_child, ${atom(spec.id)}, ${error}}}}` };
      }
      // Rule 32: a temporary child that ignores is dropped; any other is kept without a pid.
      if (init.kind === 'ignore' && spec.restart === 'temporary') continue;
      this.children.push({ id: spec.id, restart: spec.restart, running: isOk(init) });
    }
    return { attempted, rolledBack: [], result: '{:ok, PID}' };
  }

  /** Rule 79: only a child without a pid is started; the start result comes back as it is. */
  restartChild(id: string): { result: string; attempted: boolean } {
    const c = this.find(id);
    if (!c) return { result: '{:error, :not_found}', attempted: false };
    if (c.running) return { result: '{:error, :running}', attempted: false };
    const init = this.attempt(id);
    if (isOk(init)) c.running = true;
    const error = startError(init, this.profile);
    const result = error !== null ? `{:error, ${error}}` : init.kind === 'ignore' ? '{:ok, :undefined}' : '{:ok, PID}';
    return { result, attempted: true };
  }

  /** Rule 78: `:ok` for any existing child (a temporary one is removed). */
  terminateChild(id: string): { result: string; terminated: boolean } {
    const c = this.find(id);
    if (!c) return { result: '{:error, :not_found}', terminated: false };
    const terminated = c.running;
    c.running = false;
    if (c.restart === 'temporary') this.remove(c);
    return { result: ':ok', terminated };
  }

  /** Rule 80: removes a child without a pid. */
  deleteChild(id: string): string {
    const c = this.find(id);
    if (!c) return '{:error, :not_found}';
    if (c.running) return '{:error, :running}';
    this.remove(c);
    return ':ok';
  }

  /** Rule 77: a duplicate id is refused; otherwise one start, and the spec goes last. */
  startChild(spec: InitChild): { result: string; attempted: boolean } {
    const c = this.find(spec.id);
    if (c) return { result: c.running ? '{:error, {:already_started, PID}}' : '{:error, :already_present}', attempted: false };
    const init = this.attempt(spec.id);
    const error = startError(init, this.profile);
    if (error !== null) return { result: `{:error, {${error}, CHILD}}`, attempted: true };
    if (!(init.kind === 'ignore' && spec.restart === 'temporary')) this.children.push({ id: spec.id, restart: spec.restart, running: isOk(init) });
    return { result: init.kind === 'ignore' ? '{:ok, :undefined}' : '{:ok, PID}', attempted: true };
  }

  /** Rule 81: `[{id, PID | :undefined}]`, newest first, printed as Elixir does (a keyword list). */
  whichChildren(): string {
    return `[${[...this.children].reverse().map((c) => `${/^[A-Z]/.test(c.id) ? `{${c.id}, ` : `${c.id}: `}${c.running ? 'PID' : ':undefined'}${/^[A-Z]/.test(c.id) ? '}' : ''}`).join(', ')}]`;
  }

  /** Stopping: running children newest first (rule 66). */
  stop(): string[] {
    return this.children.filter((c) => c.running).map((c) => c.id).reverse();
  }

  private attempt(id: string): InitReturn {
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    return this.script(id, n);
  }

  private find(id: string): Entry | undefined {
    return this.children.find((c) => c.id === id);
  }

  private remove(c: Entry): void {
    this.children.splice(this.children.indexOf(c), 1);
  }
}
