/**
 * Pattern 18 — init/1 return values, and what they do to `start_link` and to a supervisor
 * (processes.md §3.1.4–§3.1.5 and §8; supervision.md rules 30, 32, 33, 77, 79).
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

/** What `GenServer.start_link` returns, as a printed term with `PID` for the new pid. */
export function startLinkResult(init: InitReturn, profile: Profile): string {
  switch (init.kind) {
    case 'ok':
    case 'ok_timeout':
      return '{:ok, PID}';
    case 'ignore':
      return ':ignore';
    case 'stop':
      return `{:error, :${init.reason}}`;
    case 'error':
      return profile === 'current' ? `{:error, :${init.reason}}` : `{:error, {:bad_return_value, {:error, :${init.reason}}}}`;
    case 'raise':
      return `{:error, {%RuntimeError{message: "${init.message}"}, []}}`;
    case 'exit':
      return `{:error, :${init.reason}}`;
    case 'bad':
      return `{:error, {:bad_return_value, :${init.value}}}`;
  }
}

/** The server process's own exit reason when init did not return ok (`normal` for ignore). */
export function serverExit(init: InitReturn, profile: Profile): string | null {
  switch (init.kind) {
    case 'ok':
    case 'ok_timeout':
      return null;
    case 'ignore':
      return ':normal';
    case 'stop':
    case 'exit':
      return `:${init.reason}`;
    case 'error':
      return profile === 'current' ? ':normal' : `{:bad_return_value, {:error, :${init.reason}}}`;
    case 'raise':
      return `{%RuntimeError{message: "${init.message}"}, []}`;
    case 'bad':
      return `{:bad_return_value, :${init.value}}`;
  }
}

/** §3.1.5: a trapping caller finds `{:EXIT, pid, reason}` left in its mailbox only on OTP 25. */
export function leavesExitMessage(init: InitReturn, profile: Profile): boolean {
  return profile === 'otp25' && serverExit(init, profile) !== null && init.kind !== 'ignore';
}

/**
 * Rules 30, 32, 33: how a static supervisor treats a child's start. `:ignore` keeps a non-temporary
 * spec with pid :undefined and is not a failure; any error fails the supervisor's start.
 */
export function supervisorStart(init: InitReturn): 'running' | 'ignored' | 'failed' {
  if (init.kind === 'ok' || init.kind === 'ok_timeout') return 'running';
  if (init.kind === 'ignore') return 'ignored';
  return 'failed';
}
