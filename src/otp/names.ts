/**
 * Server names as `:gen` handles them: `{:local, atom}`, `{:via, module, term}` (and `{:global, _}`,
 * which beamcheck does not simulate). Elixir's `name:` option is translated here (processes.md
 * §3.1.1), and `GenServer.whereis/1` resolves a server reference to a pid (§3.5.2).
 */
import { register, send, unregister, whereis } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { argumentError } from '../kernel/errors.js';
import { format } from '../term/format.js';
import { ErlModule, Pid, Tuple, atomName, isTagged, t, type Term } from '../term/Term.js';
import { apply } from './callbacks.js';

/** `{:local, atom}` or `{:via, module, term}`. */
export type ServerName = Tuple;

/** Elixir's `name:` option to a `:gen` name; raises ArgumentError in the caller for bad names. */
export function parseNameOption(name: Term | undefined): ServerName | undefined {
  if (name === undefined || name === 'nil') return undefined;
  if (typeof name === 'string' || name instanceof ErlModule) return t('local', atomName(name)!);
  if (isTagged(name, 'via', 3) && (typeof name[1] === 'string' || name[1] instanceof ErlModule)) return name;
  if (isTagged(name, 'global', 2)) return argumentError('{:global, _} names are not simulated by beamcheck');
  return argumentError(
    `expected :name option to be one of the following:\n\n  * nil\n  * atom\n  * {:global, term}\n  * {:via, module, term}\n\nGot: ${format(name)}\n`,
  );
}

/** `gen:where/1`. */
export function* where(name: ServerName): Op<Pid | undefined> {
  if (name[0] === 'local') return yield* whereis(name[1] as string);
  const pid = yield* apply(name[1]!, 'whereis_name', [name[2]!]);
  return pid instanceof Pid ? pid : undefined;
}

/** `gen:register_name/1`: true, or the pid that holds the name. */
export function* registerName(name: ServerName, self: Pid): Op<true | Pid | undefined> {
  if (name[0] === 'local') {
    try {
      yield* register(name[1] as string, self);
      return true;
    } catch {
      return yield* whereis(name[1] as string);
    }
  }
  const answer = yield* apply(name[1]!, 'register_name', [name[2]!, self]);
  if (answer === 'yes') return true;
  return yield* where(name);
}

/** `gen:unregister_name/1`. */
export function* unregisterName(name: ServerName | undefined): Op<void> {
  if (name === undefined) return;
  try {
    if (name[0] === 'local') yield* unregister(name[1] as string);
    else yield* apply(name[1]!, 'unregister_name', [name[2]!]);
  } catch {
    // Already gone.
  }
}

/**
 * `GenServer.whereis/1`: a pid is returned as is (no liveness check), an atom is looked up,
 * `{:via, mod, name}` asks the module, `{name, node}` on the local node is a local lookup.
 */
export function* whereisServer(server: Term): Op<Pid | undefined> {
  if (server instanceof Pid) return server;
  const atom = atomName(server);
  if (atom !== undefined) return yield* whereis(atom);
  if (isTagged(server, 'via', 3)) {
    const pid = yield* apply(server[1]!, 'whereis_name', [server[2]!]);
    return pid instanceof Pid ? pid : undefined;
  }
  if (server instanceof Tuple && server.length === 2 && server[1] === 'nonode@nohost') {
    const local = atomName(server[0]);
    if (local !== undefined) return yield* whereis(local);
  }
  return undefined;
}

/** Sends to a server reference; `{:via, mod, name}` goes through `mod.send/2`. Errors propagate. */
export function* sendToServer(server: Term, msg: Term): Op<void> {
  if (isTagged(server, 'via', 3)) {
    yield* apply(server[1]!, 'send', [server[2]!, msg]);
    return;
  }
  const atom = atomName(server);
  yield* send(atom ?? server, msg);
}
