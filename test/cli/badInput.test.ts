/**
 * Bad input of every kind ends with one clear line on stderr and exit code 2: never a stack trace,
 * never a hang.
 */
import { describe, expect, it } from 'vitest';
import { cli, LOAD } from './run.js';
import { fakeDriver } from '../drivers/fixtures.js';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const dir = mkdtempSync(join(tmpdir(), 'beamcheck-bad-'));
const notToken = join(dir, 'note.txt');
writeFileSync(notToken, 'hello, this is not a token\n');
const emptyFile = join(dir, 'empty.txt');
writeFileSync(emptyFile, '');
const jsonNoToken = join(dir, 'report.json');
writeFileSync(jsonNoToken, '{"targets": []}');
const aDirectory = join(dir, 'sub');
mkdirSync(aDirectory);
const badModule = join(dir, 'bad.mjs');
writeFileSync(badModule, 'export const targets = 42;\n');
const brokenModule = join(dir, 'broken.mjs');
writeFileSync(brokenModule, 'this is not javascript(\n');

const dupModule = join(dir, 'dup.mjs');
writeFileSync(dupModule, "export const targets = [{ id: 'p04-restart-intensity/before', title: 't', input: { generate() {} }, program() {}, check() {} }];\n");
const halfTarget = join(dir, 'half.mjs');
writeFileSync(halfTarget, "export default [{ id: 'mine/one', title: 't', program() {}, check() {} }];\n");
const noCheck = join(dir, 'nocheck.mjs');
writeFileSync(noCheck, "export const targets = [{ id: 'mine/two', title: 't', input: { generate() {} }, program() {} }];\n");
const noProgram = join(dir, 'noprogram.mjs');
writeFileSync(noProgram, "export const targets = [{ id: 'mine/three', title: 't', input: { generate() {} }, check: 1 }];\n");

// A driver that refuses hello with no reason and writes nothing to stderr.
const terseDriverFile = join(dir, 'terse-driver.mjs');
writeFileSync(
  terseDriverFile,
  "import { createInterface } from 'node:readline';\nfor await (const line of createInterface({ input: process.stdin })) process.stdout.write(JSON.stringify({ id: JSON.parse(line).id, ok: false }) + '\\n');\n",
);
const terseDriver = `"${process.execPath}" "${terseDriverFile}"`;

const GOOD_TOKEN_PREFIX = 'bc1.';

const cases: Array<[string, string[], RegExp]> = [
  ['no command', [], /./],
  ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
  ['unknown option', ['check', '--frob'], /unknown option '--frob'/],
  ['unknown short option', ['check', '-z'], /unknown option '-z'/],
  ['runs not a number', ['check', '--runs', 'ten'], /--runs must be a positive integer, got "ten"/],
  ['runs zero', ['check', '--runs', '0'], /--runs must be between 1 and/],
  ['runs negative', ['check', '--runs=-5'], /--runs must be a positive integer/],
  ['runs value looks like an option', ['check', '--runs', '-5'], /--runs needs a value \(write --runs=VALUE/],
  ['runs float', ['check', '--runs', '1.5'], /--runs must be a positive integer/],
  ['runs huge', ['check', '--runs', '99999999999'], /--runs must be between 1 and/],
  ['runs missing value', ['check', '--runs'], /--runs needs a value/],
  ['seed not a number', ['check', '--seed', 'abc'], /--seed must be an integer/],
  ['seed too large', ['check', '--seed', '99999999999999'], /--seed must fit in 32 bits/],
  ['bad strategy', ['check', '--strategy', 'chaos'], /--strategy must be one of sequence, random, pct, got "chaos"/],
  ['bad semantics', ['check', '--semantics', 'otp99'], /--semantics must be one of current, otp25/],
  ['path with check', ['check', '--path', '1:2'], /--path replays one failure: use it with "run"/],
  ['bad path', ['run', 'test/safe-counter', ...LOAD, '--path', 'x:y'], /--path must look like 12:3:0/],
  ['unknown target', ['check', 'p99-nothing'], /unknown target "p99-nothing"/],
  ['run without target', ['run'], /"run" takes exactly one target/],
  ['run with two targets', ['run', 'a', 'b'], /"run" takes exactly one target/],
  ['run with a prefix naming several', ['run', 'test/', ...LOAD], /names 2 targets/],
  ['list with arguments', ['list', 'extra'], /"list" takes no arguments/],
  ['format on check', ['check', '--format', 'html'], /--format does not apply to "check"/],
  ['replay without token', ['replay'], /"replay" takes exactly one token or file/],
  ['replay bad format', ['replay', 'bc1.AAAA', '--format', 'pdf'], /--format must be one of text, json, mermaid, html/],
  ['replay runs option', ['replay', 'bc1.AAAA', '--runs', '3'], /--runs does not apply to "replay"/],
  ['replay garbage token', ['replay', 'bc1.!!!!'], /invalid replay token: bad characters/],
  ['replay truncated token', ['replay', `${GOOD_TOKEN_PREFIX}AAAA`], /invalid replay token: (truncated|checksum)/],
  ['replay tampered token', ['replay', `${GOOD_TOKEN_PREFIX}q1ZKyU9KLU4tUrKqVkosKQHKRwNpJRsdJUOjWqVYAA`], /invalid replay token/],
  ['replay missing file', ['replay', join(dir, 'nope.txt')], /is neither a replay token \(bc1\.…\) nor a readable file/],
  ['replay file without token', ['replay', notToken], /contains no replay token/],
  ['replay empty file', ['replay', emptyFile], /contains no replay token/],
  ['replay json without token', ['replay', jsonNoToken], /contains no replay token/],
  ['replay a directory', ['replay', aDirectory], /cannot read .*EISDIR/],
  ['load missing module', ['list', '--load', join(dir, 'missing.mjs')], /cannot load targets from/],
  ['load module without targets', ['list', '--load', badModule], /must export "targets"/],
  ['load broken module', ['list', '--load', brokenModule], /cannot load targets from/],
  ['load a target whose id is taken', ['list', '--load', dupModule], /duplicate target id "p04-restart-intensity\/before": a --load module repeats an id that is already taken/],
  ['load the same module twice', ['list', ...LOAD, ...LOAD], /duplicate target id "test\/racy-counter"/],
  ['load a target without an input arbitrary', ['check', 'mine/one', '--load', halfTarget], /half\.mjs: target "mine\/one" has no "input" \(a fast-check arbitrary\)\n$/],
  ['load a target without a check', ['list', '--load', noCheck], /nocheck\.mjs: target "mine\/two" has no "check" \(a function\)\n$/],
  ['load a target without a program', ['list', '--load', noProgram], /noprogram\.mjs: target "mine\/three" has no "program" \(a function\)\n$/],
  ['BEAMCHECK_RUNS garbage', ['check', 'test/safe-counter', ...LOAD], /BEAMCHECK_RUNS/],
  ['verify without --runtime', ['verify', '--runs', '5'], /"verify" needs --runtime beam\|beam27\|sim\|"COMMAND"/],
  ['verify with an empty runtime', ['verify', '--runtime', ' '], /--runtime must not be empty/],
  ['verify runs negative', ['verify', '--runtime', 'sim', '--runs', '-1'], /--runs needs a value \(write --runs=VALUE/],
  ['verify runs negative, attached', ['verify', '--runtime', 'sim', '--runs=-1'], /--runs must be a positive integer, got "-1"/],
  ['verify driver timeout not a number', ['verify', '--runtime', 'sim', '--driver-timeout', 'x'], /--driver-timeout must be a positive integer, got "x"/],
  ['verify with a positional argument', ['verify', 'beam', '--runtime', 'sim'], /"verify" takes no positional arguments, got "beam"/],
  ['verify with an option of another command', ['verify', '--runtime', 'sim', '--strategy', 'pct'], /--strategy does not apply to "verify"/],
  ['verify runtime that cannot start', ['verify', '--runtime', '/nonexistent/beamcheck-driver'], /the driver "\/nonexistent\/beamcheck-driver" exited \(code 127\) — .*not found/],
  ['verify runtime that refuses hello', ['verify', '--runtime', fakeDriver('refuse-hello')], /refused hello: protocol 1 is not spoken here/],
  ['verify runtime that refuses hello without a reason or stderr', ['verify', '--runtime', terseDriver], /^beamcheck: the driver ".*terse-driver\.mjs"" refused hello: no reason\n$/],
  ['driver with an argument', ['driver', 'now'], /"driver" takes no positional arguments, got "now"/],
];

describe('bad input: one line on stderr, exit code 2', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s', async (name, args, message) => {
    const env: Record<string, string> = name === 'BEAMCHECK_RUNS garbage' ? { BEAMCHECK_RUNS: 'lots' } : {};
    const r = await cli(args, env);
    expect(r.code).toBe(2);
    if (name !== 'no command') {
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^beamcheck: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it('a valid token naming an unknown target is rejected with one line', async () => {
    const { encodeToken, ChoiceLog } = await import('../../src/index.js');
    const token = encodeToken({ target: 'p77-missing/before', semantics: 'current', seed: 0, input: null, config: null, choices: new ChoiceLog() });
    const r = await cli(['replay', token]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('beamcheck: replay token names an unknown target "p77-missing/before"\n');
  });
});

describe('a file the user names that cannot be written (--out, --junit): one line naming the path and why', () => {
  it.each<[string, string, string]>([
    ['a directory that does not exist', join(dir, 'no-such-dir', 'report.html'), 'no such directory'],
    ['a directory', aDirectory, 'it is a directory'],
    ['a path under a file', join(notToken, 'report.html'), 'ENOTDIR'],
  ])('%s', async (_name, path, why) => {
    const { writeOrExplain } = await import('../../src/cli/io.js');
    const { UsageError } = await import('../../src/cli/UsageError.js');
    let thrown: unknown;
    try {
      writeOrExplain(path, 'x');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toBe(`cannot write ${path}: ${why}`);
  });

  it('a path that can be written is written', async () => {
    const { writeOrExplain } = await import('../../src/cli/io.js');
    const { readFileSync } = await import('node:fs');
    const path = join(dir, 'written.txt');
    writeOrExplain(path, 'content');
    expect(readFileSync(path, 'utf8')).toBe('content');
  });
});
