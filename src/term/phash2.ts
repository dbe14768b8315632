/**
 * `erlang:phash2/1` and `erlang:phash2/2`, bit-for-bit as the BEAM computes them.
 *
 * The algorithm is a transcription of erlang/otp:
 *
 * - `erts/emulator/beam/utils.c`: `make_hash2_helper` (via `make_hash2`), with its macros `MIX`,
 *   `UINT32_HASH_2`, `UINT32_HASH`, `SINT32_HASH`, `NOT_SSMALL28_HASH`, the constants
 *   `HCONST`..`HCONST_22`, and the binary hash `block_hash` (`block_hash_setup`,
 *   `block_hash_buffer`, `block_hash_final_bytes`: Bob Jenkins' lookup2 over 12-byte blocks).
 * - `erts/emulator/beam/bif.c`: `phash2_1` returns `hash & ((1 << 27) - 1)`; `phash2_2` returns
 *   `hash % Range` for `1 =< Range =< 2^32` (2^32 gives the whole 32-bit hash) and raises
 *   `badarg` otherwise.
 * - `erts/emulator/beam/atom.c`: `atom_hash`, hashpjw over the atom's UTF-8 text with the
 *   "latin1 clutch" (a two-byte UTF-8 sequence led by 0xC2/0xC3 counts as one latin1 byte).
 *
 * What each term kind contributes (`hash` is the running 32-bit state, starting at 0):
 *
 * - atom: its table hash; taken as-is when `hash == 0`, else mixed in with `HCONST_3`.
 * - `[]`: the constant 3468870702 when `hash == 0`, else `NIL_DEF` (2) mixed in with `HCONST_2`.
 * - integer in [-2^27, 2^27): `SINT32_HASH` (negative values are mixed twice). Any other integer
 *   (small or bignum alike): its magnitude in 64-bit digits, least significant first, each as
 *   (low 32 bits, high 32 bits) with `HCONST_10` if negative, `HCONST_11` if positive.
 * - float: the IEEE-754 bits (high word, low word) with `HCONST_12`; -0.0 hashes as 0.0.
 * - binary: `block_hash` of the bytes seeded with `HCONST_13 + hash` (an empty binary yields the
 *   seed itself). Binaries here are always whole bytes, so the trailing-bits step never applies.
 * - list: cells in order; a run of consecutive byte heads (integers 0..255) is packed four bytes
 *   to a word and mixed with `HCONST_4`; every other head is hashed as a term; then the tail.
 * - tuple: its arity with `HCONST_9`, then the elements in order.
 * - map: its size with `HCONST_16`; then every key/value pair is hashed on its own (starting from
 *   0: key, then value), the pair hashes are XOR-ed (so order does not matter, and flat maps of
 *   up to 32 keys and HAMT maps give the same result) and the XOR is mixed in with `HCONST_19`.
 * - pid: the 15-bit process number with `HCONST_5` (serial, node and creation are not hashed).
 * - reference: the first (lowest, 18-bit) ref number with `HCONST_7` (node/creation not hashed).
 *
 * Simulator-specific identities (checked against Erlang/OTP 25 on a non-distributed node):
 *
 * - `Pid(N)` prints as `<0.N.0>`. For N < 2^15 it hashes exactly as `list_to_pid("<0.N.0>")`.
 *   A real local pid never has a process number of 2^15 or more (the number is 15 bits; the
 *   next 13 bits are the serial), so larger N are read the way the BEAM lays out its pid data:
 *   number `N & 0x7fff`, serial `N >> 15`, and only the number is hashed.
 * - `Ref(N)` is taken to be `list_to_ref("#Ref<0.0.0.N>")`, which hashes only N. The BEAM keeps
 *   18 bits in that word, so N is reduced to `N & 0x3ffff` (real refs carry the rest in the
 *   higher, unhashed words).
 * - A JS function has no BEAM identity. It hashes as the external fun `fun beamcheck:Name/Arity`
 *   (`Name` is the function's JS name, possibly `''`, `Arity` its declared `length`), which is
 *   deterministic and equals what the BEAM returns for that external fun.
 * - `TMap` entries are assumed to have distinct keys, as in any Erlang map.
 */
import { atomText } from './compare.js';
import { Bin, ErlFloat,
  ErlModule, Improper, Pid, Ref, TMap, Tuple, isTermObject, type Term } from './Term.js';

/* The golden ratio and its multiples, (HCONST * k) mod 2^32, as named in utils.c. */
const HCONST = 0x9e3779b9;
const HCONST_2 = 0x3c6ef372;
const HCONST_3 = 0xdaa66d2b;
const HCONST_4 = 0x78dde6e4;
const HCONST_5 = 0x1715609d;
const HCONST_7 = 0x5384540f;
const HCONST_9 = 0x8ff34781;
const HCONST_10 = 0x2e2ac13a;
const HCONST_11 = 0xcc623af3;
const HCONST_12 = 0x6a99b4ac;
const HCONST_13 = 0x08d12e65;
const HCONST_14 = 0xa708a81e;
const HCONST_16 = 0xe3779b90;
const HCONST_19 = 0xbe1e08bb;

/** `make_hash2` of `[]` at the start of a hash (`hash == 0`). */
const NIL_FIRST_HASH = 3468870702;
/** `NIL_DEF` in erl_term.h, mixed in when `[]` is not the first thing hashed. */
const NIL_DEF = 0x2;

/** Integers in [-2^27, 2^27) take the `SINT32_HASH` path (`IS_SSMALL28`). */
const SSMALL28_LIMIT = 2 ** 27;
const PHASH2_1_MASK = 2 ** 27 - 1;
const MAX_RANGE = 2 ** 32;
const PID_NUMBER_MASK = 0x7fff;
const REF_NUMBER_MASK = 0x3ffff;
/** The module that JS functions are attributed to when hashed as external funs. */
const FUN_MODULE = 'beamcheck';

/**
 * `erlang:phash2(Term)` when `range` is omitted (a hash in 0..2^27-1), otherwise
 * `erlang:phash2(Term, Range)` (a hash in 0..range-1; `range` is an integer in 1..2^32).
 */
export function phash2(term: Term, range?: number): number {
  const hash = makeHash2(term);
  if (range === undefined) return hash & PHASH2_1_MASK;
  if (!Number.isInteger(range) || range < 1 || range > MAX_RANGE) {
    throw new RangeError(`phash2: range must be an integer in 1..2^32, got ${range}`);
  }
  return hash % range;
}

/** The full 32-bit `make_hash2` value of a term. */
function makeHash2(term: Term): number {
  return hashTerm(term, 0);
}

// ---------------------------------------------------------------------------------------------
// Mixing primitives. A Uint32Array does the modulo-2^32 arithmetic of C's Uint32 on every store.

const abc = new Uint32Array(3);

/** `MIX(a, b, c)` from utils.c (Bob Jenkins' lookup2 mix), in place on `m = [a, b, c]`. */
function mix(m: Uint32Array): void {
  m[0] -= m[1]; m[0] -= m[2]; m[0] ^= m[2] >>> 13;
  m[1] -= m[2]; m[1] -= m[0]; m[1] ^= m[0] << 8;
  m[2] -= m[0]; m[2] -= m[1]; m[2] ^= m[1] >>> 13;
  m[0] -= m[1]; m[0] -= m[2]; m[0] ^= m[2] >>> 12;
  m[1] -= m[2]; m[1] -= m[0]; m[1] ^= m[0] << 16;
  m[2] -= m[0]; m[2] -= m[1]; m[2] ^= m[1] >>> 5;
  m[0] -= m[1]; m[0] -= m[2]; m[0] ^= m[2] >>> 3;
  m[1] -= m[2]; m[1] -= m[0]; m[1] ^= m[0] << 10;
  m[2] -= m[0]; m[2] -= m[1]; m[2] ^= m[1] >>> 15;
}

/** `UINT32_HASH_2(x, y, aconst)`: returns the new `hash`. `x`, `y` are taken modulo 2^32. */
function uint32Hash2(x: number, y: number, aconst: number, hash: number): number {
  abc[0] = aconst + x;
  abc[1] = aconst + y;
  abc[2] = hash;
  mix(abc);
  return abc[2]!;
}

/** `UINT32_HASH(x, aconst)`. */
function uint32Hash(x: number, aconst: number, hash: number): number {
  return uint32Hash2(x, 0, aconst, hash);
}

// ---------------------------------------------------------------------------------------------
// Term dispatch.

function hashTerm(term: Term, hash: number): number {
  switch (typeof term) {
    case 'string':
      return hashAtom(term, hash);
    case 'boolean':
      return hashAtom(atomText(term), hash);
    case 'number':
      return Number.isInteger(term) ? hashInteger(term, hash) : hashFloat(term, hash);
    case 'bigint':
      return hashInteger(term, hash);
    case 'function':
      return hashFun(term, hash);
  }
  if (term instanceof Tuple) return hashTuple(term, hash);
  if (Array.isArray(term)) return hashList(term, [], hash);
  if (term instanceof Bin) return hashBinary(utf8(term.value), hash);
  if (term instanceof ErlFloat) return hashFloat(term.value, hash);
  if (term instanceof Improper) return hashList(term.head, term.tail, hash);
  if (term instanceof Pid) return uint32Hash(term.id & PID_NUMBER_MASK, HCONST_5, hash);
  if (term instanceof Ref) return uint32Hash(term.id & REF_NUMBER_MASK, HCONST_7, hash);
  if (term instanceof ErlModule) return hashAtom(term.name, hash);
  if (term instanceof TMap) return hashMap(term.entries, hash);
  if (isTermObject(term)) return hashMap(Object.entries(term), hash);
  throw new TypeError(`phash2: not a term: ${String(term)}`);
}

// ---------------------------------------------------------------------------------------------
// Atoms.

const encoder = new TextEncoder();
const atomHashes = new Map<string, number>();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `atom_hash` in atom.c: hashpjw over the UTF-8 name, with the latin1 clutch. */
function atomTableHash(name: string): number {
  const cached = atomHashes.get(name);
  if (cached !== undefined) return cached;
  const p = utf8(name);
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    let v = p[i]!;
    if (i + 1 < p.length && (v & 0xfe) === 0xc2 && (p[i + 1]! & 0xc0) === 0x80) {
      v = ((v << 6) | (p[i + 1]! & 0x3f)) & 0xff; // `v` is a C byte
      i++;
    }
    h = ((h << 4) + v) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h = (h ^ (g >>> 24) ^ g) >>> 0;
  }
  atomHashes.set(name, h);
  return h;
}

function hashAtom(name: string, hash: number): number {
  const value = atomTableHash(name);
  return hash === 0 ? value : uint32Hash(value, HCONST_3, hash);
}

// ---------------------------------------------------------------------------------------------
// Numbers.

function hashInteger(n: number | bigint, hash: number): number {
  if (typeof n === 'bigint' && n >= -SSMALL28_LIMIT && n < SSMALL28_LIMIT) n = Number(n);
  if (typeof n === 'number' && n >= -SSMALL28_LIMIT && n < SSMALL28_LIMIT) return sint32Hash(n, hash);
  return hashBigMagnitude(BigInt(n), hash);
}

/** `SINT32_HASH(n, HCONST)`: negative numbers are (needlessly, but compatibly) mixed twice. */
function sint32Hash(n: number, hash: number): number {
  if (n < 0) hash = uint32Hash(-n, HCONST, hash);
  return uint32Hash(n, HCONST, hash);
}

/** `NOT_SSMALL28_HASH` and the bignum case (64-bit digits, `D_EXP == 64`). */
function hashBigMagnitude(n: bigint, hash: number): number {
  const con = n < 0n ? HCONST_10 : HCONST_11;
  let magnitude = n < 0n ? -n : n;
  do {
    const low = Number(magnitude & 0xffffffffn);
    const high = Number((magnitude >> 32n) & 0xffffffffn);
    hash = uint32Hash2(low, high, con, hash);
    magnitude >>= 64n;
  } while (magnitude > 0n);
  return hash;
}

const floatView = new DataView(new ArrayBuffer(8));

/** `FLOAT_SUBTAG`: the high and low words of the double, with -0.0 read as 0.0. */
function hashFloat(x: number, hash: number): number {
  floatView.setFloat64(0, x === 0 ? 0 : x);
  return uint32Hash2(floatView.getUint32(0), floatView.getUint32(4), HCONST_12, hash);
}

// ---------------------------------------------------------------------------------------------
// Binaries.

const BLOCK = 12;

/** Little-endian 32-bit word of `k` at `i`. */
function word(k: Uint8Array, i: number): number {
  return k[i]! + k[i + 1]! * 0x100 + k[i + 2]! * 0x10000 + k[i + 3]! * 0x1000000;
}

/** `block_hash(bytes, length, initval)` in utils.c. */
function blockHash(k: Uint8Array, initval: number): number {
  const m = new Uint32Array([HCONST, HCONST, initval]);
  const full = k.length - (k.length % BLOCK);
  for (let i = 0; i < full; i += BLOCK) {
    m[0] += word(k, i);
    m[1] += word(k, i + 4);
    m[2] += word(k, i + 8);
    mix(m);
  }
  // block_hash_final_bytes: the length goes into the low byte of c, the rest fills a, b, c.
  m[2] += k.length;
  for (let j = full; j < k.length; j++) {
    const offset = j - full;
    const target = offset < 4 ? 0 : offset < 8 ? 1 : 2;
    // Bytes 0-3 fill a and 4-7 fill b from the low byte up; bytes 8-10 go above c's low byte.
    const shift = target === 2 ? (offset - 7) * 8 : (offset % 4) * 8;
    m[target] += k[j]! * 2 ** shift;
  }
  mix(m);
  return m[2]!;
}

function hashBinary(bytes: Uint8Array, hash: number): number {
  const con = (HCONST_13 + hash) >>> 0;
  return bytes.length === 0 ? con : blockHash(bytes, con);
}

// ---------------------------------------------------------------------------------------------
// Lists and tuples.

function isByte(x: Term): x is number | bigint {
  if (typeof x === 'number') return Number.isInteger(x) && x >= 0 && x <= 255;
  return typeof x === 'bigint' && x >= 0n && x <= 255n;
}

/** Cells and final tail of a list, with nested list tails (`[1 | [2, 3]]`) flattened. */
function listCells(head: readonly Term[], tail: Term): { items: Term[]; tail: Term } {
  const items = [...head];
  for (;;) {
    if (tail instanceof Improper) {
      items.push(...tail.head);
      tail = tail.tail;
    } else if (Array.isArray(tail) && !(tail instanceof Tuple) && tail.length > 0) {
      items.push(...tail);
      tail = [];
    } else {
      return { items, tail };
    }
  }
}

/** `TAG_PRIMARY_LIST` then the tail: runs of byte heads are packed four to a word. */
function hashList(head: readonly Term[], tail: Term, hash: number): number {
  const cells = listCells(head, tail);
  const items = cells.items;
  let i = 0;
  while (i < items.length) {
    if (!isByte(items[i]!)) {
      hash = hashTerm(items[i]!, hash);
      i++;
      continue;
    }
    let count = 0;
    let packed = 0;
    for (; i < items.length && isByte(items[i]!); i++) {
      packed = ((packed << 8) + Number(items[i])) >>> 0;
      if (count === 3) {
        hash = uint32Hash(packed, HCONST_4, hash);
        count = 0;
        packed = 0;
      } else {
        count++;
      }
    }
    if (count > 0) hash = uint32Hash(packed, HCONST_4, hash);
  }
  return hashTail(cells.tail, hash);
}

function hashTail(tail: Term, hash: number): number {
  if (Array.isArray(tail) && !(tail instanceof Tuple)) return hashNil(hash);
  return hashTerm(tail, hash);
}

function hashNil(hash: number): number {
  return hash === 0 ? NIL_FIRST_HASH : uint32Hash(NIL_DEF, HCONST_2, hash);
}

function hashTuple(tuple: Tuple, hash: number): number {
  hash = uint32Hash(tuple.length, HCONST_9, hash);
  for (const element of tuple) hash = hashTerm(element, hash);
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Maps and funs.

function hashMap(entries: ReadonlyArray<readonly [Term, Term]>, hash: number): number {
  hash = uint32Hash(entries.length, HCONST_16, hash);
  if (entries.length === 0) return hash;
  let xorPairs = 0;
  for (const [key, value] of entries) xorPairs ^= hashTerm(value, hashTerm(key, 0));
  return uint32Hash(xorPairs >>> 0, HCONST_19, hash);
}

/** An external fun `fun beamcheck:Name/Arity` (`FUN_SUBTAG`, the export case). */
function hashFun(fn: (...args: never[]) => unknown, hash: number): number {
  hash = uint32Hash2(fn.length, atomTableHash(FUN_MODULE), HCONST, hash);
  return uint32Hash(atomTableHash(fn.name), HCONST_14, hash);
}
