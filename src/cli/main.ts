/**
 * The `beamcheck` command. `main(argv, io)` runs in-process (tests call it directly); bin/beamcheck.js
 * wires it to the real process. Bad input of any kind ends in one line on stderr and exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_SEED, STRATEGIES, type StrategyName } from '../harness/checkTarget.js';
import type { Semantics } from '../kernel/Runtime.js';
import { TokenError } from '../scheduler/ReplayToken.js';
import { loadCatalog } from './catalog.js';
import { checkCommand } from './commands/check.js';
import { listCommand } from './commands/list.js';
import { mutantsCommand } from './commands/mutants.js';
import { driverCommand } from './commands/driver.js';
import { verifyCommand } from './commands/verify.js';
import { defaultSemantics } from '../drivers/resolve.js';
import { REPLAY_FORMATS, replayCmd, type ReplayFormat } from './commands/replay.js';
import { processIo, type Io } from './io.js';
import { parseChoice, parseCount, parsePath, parseSeed, UsageError } from './UsageError.js';

export const VERSION = '0.1.0';

const SEMANTICS: readonly Semantics[] = ['current', 'otp25'];

const USAGE = `beamcheck ${VERSION} — deterministic property-based checking of Erlang/OTP semantics

usage:
  beamcheck list [--json] [--load FILE.js]
  beamcheck check [TARGET…] [--runs N] [--seed S] [--strategy sequence|random|pct]
                  [--semantics current|otp25] [--json] [--junit FILE] [--load FILE.js]
  beamcheck run TARGET [--runs N] [--seed S] [--path P] [--strategy …] [--semantics …] [--json]
                  [--junit FILE] [--load FILE.js]
  beamcheck replay TOKEN|FILE [--format text|json|mermaid|html] [--out FILE] [--load FILE.js]
  beamcheck mutants [MUTATION…] [--runs N] [--json] [--load FILE.js]   (the mutation check: every wrong runtime variant must be caught)
  beamcheck verify --runtime beam|beam27|sim|"COMMAND" [--against sim-inprocess] [--semantics …] [--runs N]
                   [--seed S] [--json] [--driver-timeout MS]   (differential conformance against a real runtime)
  beamcheck driver [--semantics current|otp25]     (the simulator as a protocol driver on stdin/stdout)
  beamcheck help

TARGET is an id (p04-restart-intensity/before), a pattern id or slug (p04, restart-intensity), or a prefix.
Environment: BEAMCHECK_RUNS sets the default --runs (100; BEAMCHECK_LONG=1 makes it 10,000).
--load FILE.js adds the targets a module exports (\`targets\`): your own, for checking and replaying.
Exit codes: 0 every expectation met, 1 a property failed or an expectation was not met, 2 bad input,
3 an internal error (a bug in beamcheck: please report it).
`;

const OPTIONS = {
  runs: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
  strategy: { type: 'string' },
  semantics: { type: 'string' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  load: { type: 'string', multiple: true },
  mutation: { type: 'string' },
  runtime: { type: 'string' },
  against: { type: 'string' },
  'driver-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs messages are one line already; strip its advice about '--' for readability.
    const message = e instanceof Error ? e.message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '') : String(e);
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message);
    if (ambiguous) throw new UsageError(`${ambiguous[1]} needs a value (write ${ambiguous[1]}=VALUE for a value that starts with a dash)`);
    throw new UsageError(message.replace(/^Unknown option/, 'unknown option').replace(/^Option '(--[\w-]+) <value>' argument missing/, '$1 needs a value'));
  }
}

function defaultRuns(env: NodeJS.ProcessEnv): number {
  if (env['BEAMCHECK_RUNS'] !== undefined) return parseCount('runs (BEAMCHECK_RUNS)', env['BEAMCHECK_RUNS'], 100);
  return env['BEAMCHECK_LONG'] === '1' ? 10_000 : 100;
}

function onlyFor(values: Values, command: string, allowed: readonly (keyof Values)[]): void {
  for (const key of Object.keys(values) as (keyof Values)[]) {
    if (values[key] !== undefined && !allowed.includes(key)) throw new UsageError(`--${key} does not apply to "${command}"`);
  }
}

export async function main(argv: readonly string[], io: Io = processIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.version) {
      io.out(`${VERSION}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const common = ['load', 'json'] as const;
    switch (command) {
      case 'list': {
        onlyFor(values, command, common);
        if (rest.length > 0) throw new UsageError(`"list" takes no arguments, got "${rest[0]}"`);
        return listCommand(await loadCatalog(values.load), io, values.json ?? false);
      }
      case 'check':
      case 'run': {
        onlyFor(values, command, [...common, 'runs', 'seed', 'path', 'strategy', 'semantics', 'junit', 'mutation']);
        if (command === 'run' && rest.length !== 1) throw new UsageError('"run" takes exactly one target (e.g. beamcheck run p04-restart-intensity/before)');
        if (command === 'check' && values.path !== undefined) throw new UsageError('--path replays one failure: use it with "run"');
        const catalog = await loadCatalog(values.load);
        const targets = catalog.select(rest);
        if (command === 'run' && targets.length !== 1) throw new UsageError(`"${rest[0]}" names ${targets.length} targets; "run" needs exactly one`);
        const path = parsePath(values.path);
        return checkCommand(targets, io, {
          json: values.json ?? false,
          numRuns: parseCount('runs', values.runs, defaultRuns(env)),
          seed: parseSeed(values.seed, DEFAULT_SEED),
          strategy: parseChoice<StrategyName>('strategy', values.strategy, STRATEGIES, 'sequence'),
          semantics: parseChoice('semantics', values.semantics, SEMANTICS, 'current'),
          ...(path !== undefined ? { path } : {}),
          ...(values.junit !== undefined ? { junit: values.junit } : {}),
          ...(values.mutation !== undefined ? { mutation: values.mutation } : {}),
          single: command === 'run',
        });
      }
      case 'replay': {
        onlyFor(values, command, ['load', 'format', 'out']);
        if (rest.length !== 1) throw new UsageError('"replay" takes exactly one token or file');
        const format = parseChoice<ReplayFormat>('format', values.format, REPLAY_FORMATS, 'text');
        return replayCmd(await loadCatalog(values.load), io, rest[0]!, format, values.out);
      }
      case 'mutants': {
        onlyFor(values, command, ['load', 'json', 'runs']);
        return mutantsCommand(await loadCatalog(values.load), io, rest, parseCount('runs', values.runs, 1000), values.json ?? false);
      }
      case 'verify': {
        onlyFor(values, command, ['json', 'runs', 'seed', 'semantics', 'runtime', 'against', 'driver-timeout']);
        if (rest.length > 0) throw new UsageError(`"verify" takes no positional arguments, got "${rest[0]}"`);
        if (values.runtime === undefined) throw new UsageError('"verify" needs --runtime beam|beam27|sim|"COMMAND"');
        if (values.runtime.trim() === '') throw new UsageError('--runtime must not be empty');
        // Awaited here so that its UsageError (a driver that cannot start) reaches the catch below:
        // a returned promise rejected past it, as an unhandled rejection with a stack trace.
        return await verifyCommand(io, {
          runtime: values.runtime,
          against: values.against ?? 'sim-inprocess',
          semantics: parseChoice('semantics', values.semantics, SEMANTICS, defaultSemantics(values.runtime)),
          runs: parseCount('runs', values.runs, 100),
          seed: parseSeed(values.seed, DEFAULT_SEED),
          json: values.json ?? false,
          timeoutMs: parseCount('driver-timeout', values['driver-timeout'], 10_000, 600_000),
        });
      }
      case 'driver': {
        onlyFor(values, command, ['semantics']);
        if (rest.length > 0) throw new UsageError(`"driver" takes no positional arguments, got "${rest[0]}"`);
        return await driverCommand(parseChoice('semantics', values.semantics, SEMANTICS, 'current'), process.stdin, (line) => io.out(`${line}\n`));
      }
      default:
        throw new UsageError(`unknown command "${command}" (commands: list, check, run, replay, mutants, verify, driver, help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof TokenError) {
      io.err(`beamcheck: ${e.message}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`beamcheck: internal error: ${message.split('\n')[0]} (please report this with the command line)\n`);
    return 3;
  }
}
