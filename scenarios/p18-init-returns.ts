/**
 * Pattern 18 — init/1 return values: the seed's four examples, ported.
 *
 * Why (seed): ":ignore means 'this child intentionally should not run right now.' {:stop, reason}
 * means 'this child tried to start and failed.' Conflating the two hides real failures from your
 * supervision tree." — and: ":ignore — process is disabled by configuration but might be enabled
 * later via Supervisor.restart_child/2".
 *
 * - before / after (`MyApp.OptionalFeature`, reading `Application.get_env(:my_app,
 *   :feature_enabled)`) are judged by the claim the text makes for the after example: *a feature
 *   disabled by configuration leaves the supervisor happy, its child spec stays, and once the
 *   config is updated `Supervisor.restart_child(MyApp.Supervisor, MyApp.OptionalFeature)` starts
 *   it*. With `{:stop, :disabled}` the whole `MyApp.Supervisor` fails to start (rule 33: it stops
 *   the children it had started and returns `{:error, {:shutdown, {:failed_to_start_child,
 *   MyApp.OptionalFeature, :disabled}}}`), so there is nothing to restart later.
 * - over / better (`MyApp.DBConnection`, whose `init/1` connects to a simulated database with
 *   generated outages, scenarios/support/database.ts) are judged by "conflating the two hides real
 *   failures": *whenever the database refused a (re)start, the supervision tree shows a failure —
 *   and a tree that is still up has its connection running*. With `:ignore` the child silently
 *   stays `:undefined` — at start-up (rule 32), and after a crash too, since an ignored restart is
 *   never retried (rule 39) — with no report at all (rule 111), even after the database is back.
 *
 * Every check also compares the supervisor's answers with models/p18-init-returns.ts.
 *
 * Where the seed is inexact about OTP (kept as written in the ports, stated here):
 * - ":ignore — supervisor treats as successful (child can be restarted later)" holds for
 *   non-temporary children only: a `restart: :temporary` child that returns `:ignore` is dropped
 *   from the supervisor (rule 32), and `restart_child` then answers `{:error, :not_found}`.
 * - "The process should retry starting later automatically (use {:stop, _} + transient restart)":
 *   OTP never retries *later*. A `{:stop, _}` at start-up fails the supervisor's start outright,
 *   with no retry (rule 33); during a restart the retry is immediate and counts toward intensity
 *   (rules 45–47), so a dependency that stays down for more than a few milliseconds escalates —
 *   which is what the better variant shows when the database drops its connection.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  fails,
  format,
  holds,
  isTagged,
  match,
  receive,
  report,
  sleep,
  t,
  trapExit,
  type AnyTarget,
  type CheckResult,
  type ErlModule,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { StaticInitModel, type InitReturn } from '../models/p18-init-returns.js';
import { APP_ENV, applicationEnv, getEnv, putEnv } from './support/appEnv.js';
import { DB_NAME, connect, databaseService, type DatabaseConfig } from './support/database.js';

const ID = 'p18-init-returns';

/** A sibling service that always starts (`MyApp.Repo`, `MyApp.Endpoint`). */
function service(name: string): ErlModule {
  return GenServer.defmodule(name, { init: (arg: Term) => t('ok', arg) });
}

/** `MyApp.Supervisor`: the children in order, one_for_one, Elixir's defaults. */
function appSupervisor(children: Term[]): ErlModule {
  return Supervisor.defmodule('MyApp.Supervisor', {
    *init() {
      return yield* Supervisor.init(children, { strategy: 'one_for_one' });
    },
  });
}

function reportData(o: Outcome<unknown>, name: string): TermObject | undefined {
  const e = o.run.trace.find((x) => x.k === 'report' && x.name === name);
  return e ? ((e as { data: TermObject }).data) : undefined;
}

/** A term printed with pids as `PID`. */
function shape(x: Term): string {
  return format(x).replace(/<\d+\.\d+\.\d+>/g, 'PID').replace(/#PID<[\d.]+>/g, 'PID');
}

// ------------------------------------------------------------------------------- before / after

interface FeatureInput {
  /** `:feature_enabled` when the application starts. */
  readonly enabled: boolean;
  /** When the operator sets `:feature_enabled` to true and calls `restart_child`. */
  readonly enableAt: number;
  /** Services listed before and after the feature in `MyApp.Supervisor`'s children. */
  readonly before: number;
  readonly after: number;
}

/** Before: `{:stop, :disabled}` when the feature is off. */
function optionalFeatureBefore(): ErlModule {
  return GenServer.defmodule('MyApp.OptionalFeature', {
    *init(): Op<Term> {
      if ((yield* getEnv('feature_enabled')) === true) return t('ok', {});
      // {:stop, :disabled} causes supervisor to count it as a failure!
      return t('stop', 'disabled');
    },
  });
}

/** After: `:ignore` when the feature is off. */
function optionalFeatureAfter(): ErlModule {
  return GenServer.defmodule('MyApp.OptionalFeature', {
    *init(): Op<Term> {
      if ((yield* getEnv('feature_enabled')) === true) return t('ok', {});
      // :ignore — supervisor is happy, child spec stays for later activation
      return 'ignore';
    },
  });
}

const SERVICES = ['MyApp.Repo', 'MyApp.Cache', 'MyApp.Endpoint', 'MyApp.Mailer'];

function featureChildren(feature: ErlModule, input: FeatureInput): { children: Term[]; ids: string[] } {
  const names = [...SERVICES.slice(0, input.before), 'MyApp.OptionalFeature', ...SERVICES.slice(input.before, input.before + input.after)];
  return { children: names.map((n) => (n === 'MyApp.OptionalFeature' ? feature : service(n))), ids: names };
}

function featureProgram(feature: () => ErlModule) {
  return (input: FeatureInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* GenServer.start(applicationEnv({ feature_enabled: input.enabled }), 'nil', { name: APP_ENV });
      const mod = feature();
      const { children } = featureChildren(mod, input);
      const started = yield* Supervisor.startLink(appSupervisor(children), 'nil', { name: 'MyApp.Supervisor' });
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      yield* report('case.children', { children: yield* Supervisor.whichChildren('MyApp.Supervisor') });
      yield* sleep(input.enableAt);
      // Later, to enable: update config, then Supervisor.restart_child(MyApp.Supervisor, MyApp.OptionalFeature)
      yield* putEnv('feature_enabled', true);
      const restarted = yield* Supervisor.restartChild('MyApp.Supervisor', mod);
      yield* report('case.enable', { result: restarted, children: yield* Supervisor.whichChildren('MyApp.Supervisor') });
      yield* Supervisor.stop('MyApp.Supervisor');
    };
}

/** The model's view: the feature's first attempt sees the boot config, later ones the enabled one. */
function featureModel(input: FeatureInput, disabled: InitReturn, profile: 'current' | 'otp25'): StaticInitModel {
  const { ids } = featureChildren(service('x'), input);
  const script = (id: string, n: number): InitReturn => (id === 'MyApp.OptionalFeature' && n === 1 && !input.enabled ? disabled : { kind: 'ok' });
  return new StaticInitModel(ids.map((id) => ({ id, restart: 'permanent' })), script, profile);
}

function enabledLater(disabled: InitReturn) {
  return (o: Outcome<FeatureInput>): CheckResult => {
    const input = o.input;
    const model = featureModel(input, disabled, o.semantics);
    const start = reportData(o, 'case.start')?.['result'];
    const expectedStart = model.startUp().result;
    if (start === undefined || shape(start) !== expectedStart) {
      return fails(`OTP disagrees with the model: Supervisor.start_link returned ${start === undefined ? 'nothing' : shape(start)}, the model says ${expectedStart}`);
    }
    if (!isTagged(start, 'ok', 2)) {
      const siblings = input.before > 0 ? `, after stopping ${SERVICES.slice(0, input.before).reverse().join(', ')} again (rule 33)` : '';
      return fails(
        `with :feature_enabled ${String(input.enabled)} at boot, Supervisor.start_link(MyApp.Supervisor) returned ${shape(start)}${siblings}: {:stop, :disabled} made the disabled feature a failed start and took the whole supervisor down, so there is no child spec left to enable with restart_child at ${input.enableAt} ms`,
      );
    }
    const children = reportData(o, 'case.children')?.['children'] as Term[] | undefined;
    const featureAtBoot = children?.find((c) => shape((c as Term[])[0]!) === 'MyApp.OptionalFeature') as Term[] | undefined;
    const expectedBoot = input.enabled ? 'PID' : ':undefined';
    if (!featureAtBoot || shape(featureAtBoot[1]!) !== expectedBoot) {
      return fails(`after boot which_children shows MyApp.OptionalFeature as ${featureAtBoot ? shape(featureAtBoot[1]!) : 'missing'}, expected ${expectedBoot} (rule 32: the spec stays)`);
    }
    const enable = reportData(o, 'case.enable');
    const expectedRestart = model.restartChild('MyApp.OptionalFeature').result;
    const got = enable ? shape(enable['result']!) : 'nothing';
    if (got !== expectedRestart) return fails(`restart_child after enabling the feature at ${input.enableAt} ms returned ${got}, the model says ${expectedRestart}`);
    if (!input.enabled && got !== '{:ok, PID}') return fails(`restart_child after enabling the feature returned ${got}: the feature did not start`);
    return holds;
  };
}

const featureInput: fc.Arbitrary<FeatureInput> = fc.record({
  enabled: fc.boolean(),
  enableAt: fc.integer({ min: 0, max: 5000 }),
  before: fc.integer({ min: 0, max: 2 }),
  after: fc.integer({ min: 0, max: 2 }),
});

// ------------------------------------------------------------------------------- over / better

interface DbInput {
  readonly outages: Array<{ at: number; durationMs: number }>;
  readonly latencyMs: number;
}

/** Over: `{:error, _} -> :ignore` — "DB is down but we pretend everything is fine". */
function dbConnectionOver(): ErlModule {
  return GenServer.defmodule('MyApp.DBConnection', {
    *init(): Op<Term> {
      const r = yield* connect();
      if (isTagged(r, 'ok', 2)) return t('ok', r[1]!);
      return 'ignore'; // BAD: DB is down but we pretend everything is fine
    },
  });
}

/** Better: `{:error, reason} -> {:stop, reason}` — "Let supervisor handle the failure". */
function dbConnectionBetter(): ErlModule {
  return GenServer.defmodule('MyApp.DBConnection', {
    *init(): Op<Term> {
      const r = yield* connect();
      if (isTagged(r, 'ok', 2)) return t('ok', r[1]!);
      return t('stop', isTagged(r, 'error', 2) ? r[1]! : r); // Let supervisor handle the failure
    },
  });
}

function horizonOf(input: DbInput): number {
  return Math.max(7000, ...input.outages.map((o) => o.at + o.durationMs + 2000));
}

function dbProgram(dbConnection: () => ErlModule) {
  return (input: DbInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const config: DatabaseConfig = { outages: input.outages, latencyMs: input.latencyMs };
      yield* GenServer.start(databaseService(config), 'nil', { name: DB_NAME });
      const started = yield* Supervisor.startLink(appSupervisor([dbConnection(), service('MyApp.Endpoint')]), 'nil');
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const down = yield* receive(match.exit(sup), { after: horizonOf(input) });
      const children = down === TIMEOUT ? yield* Supervisor.whichChildren(sup) : [];
      const entry = children.find((c) => shape((c as Term[])[0]!) === 'MyApp.DBConnection') as Term[] | undefined;
      yield* report('case.end', {
        supervisor: down === TIMEOUT ? 'alive' : t('exited', down[2]!),
        db_connection: entry ? (entry[1] instanceof Pid ? 'running' : entry[1]!) : 'none',
      });
    };
}

function failuresVisible(o: Outcome<DbInput>): CheckResult {
  const refused = o.run.trace.filter((e) => e.k === 'report' && e.name === 'db.connect' && (e.data as TermObject)['result'] === 'econnrefused').map((e) => e.t);
  const reported = o.run.trace.filter((e) => e.k === 'report' && (e.name === 'supervisor.start_error' || e.name === 'supervisor.shutdown')).length;
  const start = reportData(o, 'case.start')?.['result'];
  const end = reportData(o, 'case.end');
  const startFailed = start !== undefined && !isTagged(start, 'ok', 2);
  const windows = o.input.outages.map((w) => `${w.at}–${w.at + w.durationMs} ms`).join(', ');
  if (startFailed) {
    // Visible: the application does not boot, and says which child failed and why (rule 33) —
    // :econnrefused, or :db_connection_lost when the outage began while init/1 was finishing.
    if (!shape(start).startsWith('{:error, {:shutdown, {:failed_to_start_child, MyApp.DBConnection, ')) {
      return fails(`Supervisor.start_link returned ${shape(start)}, expected {:error, {:shutdown, {:failed_to_start_child, MyApp.DBConnection, reason}}}`);
    }
    return holds;
  }
  if (!end) return fails('the run ended before the scenario finished');
  if (end['supervisor'] !== 'alive') return holds; // escalated: the failure reached the top of the tree
  if (end['db_connection'] === 'running') return holds;
  return fails(
    `the database refused MyApp.DBConnection at ${refused.join(', ')} ms (outages ${windows}); init/1 returned :ignore, so the supervisor kept it as ${format(end['db_connection']!)} ` +
      `with ${reported === 0 ? 'no report at all' : `${reported} report(s)`} and carried on "healthy": at ${horizonOf(o.input)} ms the database had long been back but nothing started the connection again — an ignored (re)start is never retried (rules 32, 39)`,
  );
}

const dbOutages: fc.Arbitrary<DbInput> = fc.record({
  outages: fc.array(
    fc.record({ at: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 6000 }) }), durationMs: fc.integer({ min: 100, max: 3000 }) }),
    { minLength: 1, maxLength: 2 },
  ),
  latencyMs: fc.integer({ min: 0, max: 30 }),
});

const runtime = { maxSteps: 200_000, maxTime: 60_000 };

export const variants: AnyTarget[] = [
  {
    id: `${ID}/before`,
    title: '{:stop, :disabled} for a feature turned off by config',
    claim: '{:stop, :disabled} causes supervisor to count it as a failure!',
    input: featureInput,
    program: featureProgram(optionalFeatureBefore),
    check: enabledLater({ kind: 'stop', reason: 'disabled' }),
    expect: 'fails',
    runtime,
  } satisfies Target<FeatureInput>,
  {
    id: `${ID}/after`,
    title: ':ignore for a feature turned off by config: the spec stays, restart_child enables it later',
    claim: ':ignore — supervisor is happy, child spec stays for later activation',
    input: featureInput,
    program: featureProgram(optionalFeatureAfter),
    check: enabledLater({ kind: 'ignore' }),
    expect: 'holds',
    runtime,
  } satisfies Target<FeatureInput>,
  {
    id: `${ID}/over`,
    title: ':ignore when the database is down hides the failure',
    claim: 'BAD: DB is down but we pretend everything is fine',
    input: dbOutages,
    program: dbProgram(dbConnectionOver),
    check: failuresVisible,
    expect: 'fails',
    runtime,
  } satisfies Target<DbInput>,
  {
    id: `${ID}/better`,
    title: '{:stop, reason} when the database is down lets the supervision tree see the failure',
    claim: 'Let supervisor handle the failure',
    input: dbOutages,
    program: dbProgram(dbConnectionBetter),
    check: failuresVisible,
    expect: 'holds',
    runtime,
  } satisfies Target<DbInput>,
];
