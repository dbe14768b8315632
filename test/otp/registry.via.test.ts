/**
 * processes.md §6.10 (`{:via, Registry, …}` names) and §6.11 (unknown or stopped registries).
 * Expected values are the probe outputs ✔R3–R6, R12 (Elixir 1.14 / OTP 25) and p2/p3 in the
 * report.
 */
import { describe, expect, it } from 'vitest';
import {
  GenServer,
  Pid,
  Tuple,
  equals,
  exitSignal,
  format,
  match,
  monitor,
  processInfo,
  receive,
  self,
  t,
  trapExit,
  unlink,
  type Op,
  type Term,
} from '../../src/index.js';
import * as Registry from '../../src/otp/Registry.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import { always, observe } from '../helpers.js';
import { R, attempt, awaitCleanup, both, inMember, member, startRegistry } from './registry.helpers.js';

const RD = 'Elixir.RD';

const Echo = GenServer.defmodule('Echo', {
  init: (arg) => (arg === 'ignore' ? 'ignore' : t('ok', arg)),
  handleCall: (req, _from, s) => t('reply', t(req, s), s),
  handleCast: (req, s) => t('noreply', req ?? s),
});

function* startEcho(name: Term, arg: Term = 0): Op<Term> {
  return yield* GenServer.start(Echo, arg, { name });
}

/** Starts a server under `name`, then makes it die while its entry stays (it unlinks first). */
function* staleHolder(key: Term): Op<Pid> {
  const m = yield* member(R, key, 'nil');
  yield* inMember(m.pid, function* () {
    yield* unlink((m.result as Tuple)[1] as Pid);
    return 'ok';
  });
  const ref = yield* monitor(m.pid);
  yield* exitSignal(m.pid, 'kill');
  yield* receive(match.down(ref));
  return m.pid;
}

describe('§6.10 :via', () => {
  for (const semantics of both) {
    it(`6.10 a taken via name → {:error, {:already_started, pid}}; lookup shows the server with value nil (✔R3) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        const name = Registry.via(R, 'agent1');
        const [, pid] = (yield* startEcho(name)) as Tuple;
        const again = (yield* startEcho(name)) as Tuple;
        seen.push(equals(again, t('error', t('already_started', pid!))));
        seen.push(equals(yield* Registry.lookup(R, 'agent1'), [t(pid!, 'nil')]));
        seen.push(yield* GenServer.call(name, 'hi'));
      }, { semantics });
      expect(always(runs)).toEqual(['true', 'true', '{:hi, 0}']);
    });

    it(`6.10 {reg, key, value} stores the value; either form finds the server (✔R3b) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        const [, pid] = (yield* startEcho(Registry.via(R, 'agent2', 'meta'), 7)) as Tuple;
        seen.push(equals(yield* Registry.lookup(R, 'agent2'), [t(pid!, 'meta')]));
        seen.push(yield* GenServer.call(Registry.via(R, 'agent2'), 'get'));
        seen.push(equals((yield* GenServer.whereis(Registry.via(R, 'agent2', 'other')))!, pid!));
      }, { semantics });
      expect(always(runs)).toEqual(['true', '{:get, 7}', 'true']);
    });

    it(`6.10 whereis_name checks liveness: a dead holder is :undefined while lookup still lists it; the name can be taken over (✔R4) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        const dead = yield* staleHolder('a');
        seen.push(equals((yield* Registry.lookup(R, 'a'))[0]![0]!, dead));
        seen.push(yield* Registry.whereisName(t(R, 'a')));
        seen.push((yield* GenServer.whereis(Registry.via(R, 'a'))) === undefined);
        const [tag, pid] = (yield* startEcho(Registry.via(R, 'a', 'new'))) as Tuple;
        seen.push(tag!, equals(yield* Registry.lookup(R, 'a'), [t(pid!, 'new')]));
      }, { semantics });
      // ✔ reg2.exs R4: {[{true, false, nil}], :undefined, nil, :ok, [true: :new], …}
      expect(always(runs)).toEqual(['true', ':undefined', 'true', ':ok', 'true']);
    });

    it(`6.10 whereis_name never returns a dead pid, even inside the cleanup window (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        const [, pid] = (yield* startEcho(Registry.via(R, 'w'))) as Tuple;
        const ref = yield* monitor(pid as Pid);
        yield* exitSignal(pid as Pid, 'kill');
        yield* receive(match.down(ref));
        seen.push(yield* Registry.whereisName(t(R, 'w')));
        seen.push((yield* GenServer.whereis(Registry.via(R, 'w'))) === undefined);
        yield* awaitCleanup(R, 0, pid as Pid);
        seen.push(yield* Registry.lookup(R, 'w'));
      }, { semantics });
      expect(always(runs)).toEqual([':undefined', 'true', '[]']);
    });

    it(`6.10 call on an absent via name exits {:noproc, {GenServer, :call, [name, req, 5000]}}; cast swallows it; Registry.send raises badarg (✔R5) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        seen.push(yield* attempt(GenServer.call(Registry.via(R, 'nobody'), 'x')));
        seen.push(yield* GenServer.cast(Registry.via(R, 'nobody'), 'x'));
        seen.push(yield* attempt(Registry.send(t(R, 'nobody'), 'x')));
      }, { semantics });
      expect(always(runs)).toEqual([
        '{:exit, {:noproc, {GenServer, :call, [{:via, Registry, {R, :nobody}}, :x, 5000]}}}',
        ':ok',
        '{:error, :badarg}',
      ]);
    });

    it(`6.10 Registry.send uses lookup, no liveness check: it sends to the registered pid, and a cast reaches the server (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        const me = yield* self();
        yield* Registry.register(R, 'me', 'nil');
        seen.push(yield* Registry.send(t(R, 'me'), 'hello'));
        seen.push(yield* receive());
        const name = Registry.via(R, 'srv');
        yield* startEcho(name);
        yield* GenServer.cast(name, 'casted');
        seen.push(yield* GenServer.call(name, 'state'));
        // The stale entry of a dead holder is still a send target (the message is dropped).
        yield* staleHolder('gone');
        seen.push(yield* Registry.send(t(R, 'gone'), 'lost'));
        seen.push(((yield* processInfo(me, 'messages')) as Term[]).length);
      }, { semantics });
      expect(always(runs)).toEqual([':hello', ':hello', '{:state, :casted}', ':lost', '0']);
    });

    it(`6.10 duplicate registries: :via raises ArgumentError in the caller; Registry.send with two entries is a CaseClauseError (✔R6) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'duplicate', name: RD });
        seen.push(yield* attempt(startEcho(Registry.via(RD, 'x'))));
        seen.push(yield* attempt(Registry.whereisName(t(RD, 'x'))));
        yield* Registry.register(RD, 'one', 1);
        seen.push(yield* Registry.send(t(RD, 'one'), 'single'));
        yield* Registry.register(RD, 'one', 2);
        seen.push(format(yield* attempt(Registry.send(t(RD, 'one'), 'double'))).startsWith('{:error, %CaseClauseError{'));
      }, { semantics });
      const via = '{:error, %ArgumentError{message: ":via is not supported for duplicate registries"}}';
      expect(always(runs)).toEqual([via, via, ':single', 'true']);
    });

    it(`6.10 a server whose init fails unregisters its via name; register_name is for the caller only (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        seen.push(yield* startEcho(Registry.via(R, 'ig'), 'ignore'));
        seen.push(yield* Registry.lookup(R, 'ig'));
        seen.push(yield* Registry.registerName(t(R, 'mine'), yield* self()));
        seen.push(yield* Registry.registerName(t(R, 'mine'), yield* self()));
        const other = (yield* member(R, 'x', 0)).pid;
        seen.push(format(yield* attempt(Registry.registerName(t(R, 'k'), other))).startsWith('{:error, %FunctionClauseError{'));
        seen.push(yield* Registry.unregisterName(t(R, 'mine', 'ignored value')), yield* Registry.lookup(R, 'mine'));
      }, { semantics });
      expect(always(runs)).toEqual([':ignore', '[]', ':yes', ':no', 'true', ':ok', '[]']);
    });

    it(`6.10 the Registry module works as a {:via, Registry, …} module for any gen server and as a child (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const [, sup] = (yield* Supervisor.startLink([Registry.childSpec({ keys: 'unique', name: R })], { strategy: 'one_for_one' })) as Tuple;
        seen.push(((yield* Supervisor.whichChildren(sup!)) as Tuple[]).map((c) => t(c[0]!, c[2]!, c[3]!)));
        const name = t('via', Registry.RegistryModule, t(R, 'k'));
        yield* startEcho(name, 'v');
        seen.push(yield* GenServer.call(name, 'ping'));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual(['[{R, :supervisor, [Registry]}]', '{:ping, :v}']);
    });
  }
});

describe('§6.11 unknown or stopped registry', () => {
  for (const semantics of both) {
    it(`6.11 every API raises ArgumentError "unknown registry: X"; meta/2 has the long message (✔R12) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const reg = 'not_a_registry';
        const calls: Array<Op<unknown>> = [
          Registry.lookup(reg, 'k'),
          Registry.register(reg, 'k', 1),
          Registry.unregister(reg, 'k'),
          Registry.unregisterMatch(reg, 'k', '_'),
          Registry.keys(reg, me),
          Registry.values(reg, 'k', me),
          Registry.count(reg),
          Registry.match(reg, 'k', '_'),
          Registry.countMatch(reg, 'k', '_'),
          Registry.select(reg, [t(t('_', '_', '_'), [], [true])]),
          Registry.countSelect(reg, [t(t('_', '_', '_'), [], [true])]),
          Registry.dispatch(reg, 'k', () => undefined),
          Registry.updateValue(reg, 'k', (v) => v),
          Registry.putMeta(reg, 'k', 1),
          Registry.deleteMeta(reg, 'k'),
          Registry.whereisName(t(reg, 'k')),
        ];
        const messages = new Set<string>();
        for (const c of calls) messages.add(format(yield* attempt(c)));
        seen.push(...[...messages].map((m) => `${m} `));
        seen.push(yield* attempt(Registry.meta(reg, 'k')));
      }, { semantics, seeds: 5 });
      expect(always(runs)).toEqual([
        '{:error, %ArgumentError{message: "unknown registry: :not_a_registry"}} ',
        '{:error, %ArgumentError{message: "unknown registry: :not_a_registry. Either the registry name is invalid or the registry is not running, possibly because its application isn\'t started"}}',
      ]);
    });

    it(`6.11 a stopped registry is unknown too: reads and via lookups raise ArgumentError (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* trapExit(true); // registered, hence linked to the partition, which exits :shutdown
        const sup = yield* startRegistry({ keys: 'unique', name: R });
        yield* Registry.register(R, 'k', 1);
        yield* Supervisor.stop(sup, 'normal');
        seen.push(yield* attempt(Registry.lookup(R, 'k')));
        seen.push(yield* attempt(GenServer.whereis(Registry.via(R, 'k'))));
      }, { semantics, seeds: 10 });
      const unknown = '{:error, %ArgumentError{message: "unknown registry: R"}}';
      expect(always(runs)).toEqual([unknown, unknown]);
    });
  }
});
