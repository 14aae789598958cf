/**
 * Salts, disclosures and digests of credential format version 2 (FORMAT.md §8.3), after
 * RFC 9901 §4.2.1 and §4.2.3, with 16-byte digests: one leaf of the digest tree per group, and a
 * seventh, `all`, whose disclosure carries the six values at once (what the police see).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../base64url.js';
import { utf8 } from '../utf8.js';
import { GROUP_NAMES, type GroupIndex, type GroupValue } from './groups.js';

/** Bytes of the per-credential seed, of each salt and of each digest. */
export const SEED_BYTES = 16;
export const SALT_BYTES = 16;
export const DIGEST_BYTES = 16;
/** Bytes of `sd`, the root of the digest tree, and of each node of it. */
export const SD_BYTES = DIGEST_BYTES;
export const NODE_BYTES = DIGEST_BYTES;

/** A SHA-256 function: the backend's, or @noble/hashes'. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** A fresh seed from the platform's CSPRNG. */
export function randomSeed(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SEED_BYTES));
}

/** The leaves of the digest tree: the six groups (0-5) and the whole record (6). */
export type Leaf = GroupIndex | typeof WHOLE;
/** The leaf whose disclosure carries all six group values (FORMAT.md §8.3). */
export const WHOLE = 6;
/** The leaves' names, by index: the groups', then `all`. */
export const LEAF_NAMES = [...GROUP_NAMES, 'all'] as const;

const LEAF_NAME_BYTES = LEAF_NAMES.map((name) => utf8(name));

/** An HMAC-SHA-256 function: the backend's (native in Node), or @noble/hashes'. */
export type HmacSha256 = (key: Uint8Array, message: Uint8Array) => Uint8Array;

const nobleHmac: HmacSha256 = (key, message) => hmac(sha256, key, message);

/** salt_g: the first 16 bytes of HMAC-SHA-256(key = seed, message = UTF-8 of the leaf's name). */
export function saltOf(seed: Uint8Array, leaf: Leaf, mac: HmacSha256 = nobleHmac): Uint8Array {
  if (seed.length !== SEED_BYTES) throw new RangeError(`seed: expected ${SEED_BYTES} bytes`);
  return mac(seed, LEAF_NAME_BYTES[leaf] as Uint8Array).slice(0, SALT_BYTES);
}

/** The salts of all seven leaves, in index order. */
export function saltsOf(seed: Uint8Array, mac: HmacSha256 = nobleHmac): Uint8Array[] {
  return LEAF_NAMES.map((_, leaf) => saltOf(seed, leaf as Leaf, mac));
}

/**
 * D_g = base64url(UTF-8(JSON.stringify([base64url(salt), name, value]))): an RFC 9901 object
 * property disclosure, the group's name as the claim name.
 */
export function disclosureOf(salt: Uint8Array, group: GroupIndex, value: GroupValue): string {
  return encodeBase64url(utf8(JSON.stringify([encodeBase64url(salt), GROUP_NAMES[group], value])));
}

/**
 * The JSON of the whole disclosure D_all: `[base64url(salt), "all", [the six values]]`. It
 * travels as this text (compressed) and is hashed as it came, so it is never rebuilt.
 */
export function wholeDisclosureJson(salt: Uint8Array, values: readonly GroupValue[]): string {
  return JSON.stringify([encodeBase64url(salt), LEAF_NAMES[WHOLE], values]);
}

/** digest_g: the first 16 bytes of SHA-256 over the ASCII of the disclosure. */
export function digestOf(disclosure: string, hash: Sha256 = sha256): Uint8Array {
  return hash(utf8(disclosure)).subarray(0, DIGEST_BYTES);
}

/**
 * The digest tree (FORMAT.md §8.3): the seven digests are its leaves, paired as
 * (((holder, driving), (identity, file)), all), (age_over_18, age_over_60); `sd` is its root.
 */
type Tree = Leaf | readonly [Tree, Tree];
export const DIGEST_TREE: Tree = [
  [
    [
      [0, 1],
      [2, 3],
    ],
    WHOLE,
  ],
  [4, 5],
];

/**
 * The leaves a presentation of `groups` discloses: the whole record's (`all`) for all six
 * groups, else the groups themselves.
 */
export function leavesOf(groups: readonly GroupIndex[]): Leaf[] {
  return groups.length === GROUP_NAMES.length ? [WHOLE] : [...groups];
}

/** A node of the tree: the first 16 bytes of SHA-256 over its two children's 32 bytes. */
export function nodeOf(left: Uint8Array, right: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  const both = new Uint8Array(2 * NODE_BYTES);
  both.set(left, 0);
  both.set(right, NODE_BYTES);
  return hash(both).subarray(0, NODE_BYTES);
}

/** The root of the tree over all seven digests (index order): the credential's `sd`. */
export function rootOf(digests: readonly Uint8Array[], hash: Sha256 = sha256): Uint8Array {
  const walk = (t: Tree): Uint8Array =>
    typeof t === 'number' ? (digests[t] as Uint8Array) : nodeOf(walk(t[0]), walk(t[1]), hash);
  return walk(DIGEST_TREE);
}

function contains(t: Tree, leaves: readonly Leaf[]): boolean {
  return typeof t === 'number'
    ? leaves.includes(t)
    : contains(t[0], leaves) || contains(t[1], leaves);
}

/**
 * The hashes a presentation of `leaves` carries for what it withholds: of every largest subtree
 * with no disclosed leaf, left to right. Two for `all` (holder-to-file, age flags) and for age
 * (holder-to-all, age_over_60); three for rental (identity-file, all, age flags).
 */
export function withheldNodes(
  digests: readonly Uint8Array[],
  leaves: readonly Leaf[],
  hash: Sha256 = sha256,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const hashOf = (t: Tree): Uint8Array =>
    typeof t === 'number' ? (digests[t] as Uint8Array) : nodeOf(hashOf(t[0]), hashOf(t[1]), hash);
  const walk = (t: Tree): void => {
    if (!contains(t, leaves)) out.push(hashOf(t));
    else if (typeof t !== 'number') {
      walk(t[0]);
      walk(t[1]);
    }
  };
  walk(DIGEST_TREE);
  return out;
}

/** How many withheld-subtree hashes a presentation of `leaves` carries. */
export function withheldNodeCount(leaves: readonly Leaf[]): number {
  const count = (t: Tree): number =>
    !contains(t, leaves) ? 1 : typeof t === 'number' ? 0 : count(t[0]) + count(t[1]);
  return count(DIGEST_TREE);
}

/**
 * The root rebuilt from the disclosed leaves' digests and the withheld subtrees' hashes (in the
 * order {@link withheldNodes} lists them).
 * @param leaves the disclosed leaves.
 * @param digests the digest of each disclosed leaf, at its index.
 */
export function rootFrom(
  leaves: readonly Leaf[],
  digests: readonly (Uint8Array | undefined)[],
  withheld: readonly Uint8Array[],
  hash: Sha256 = sha256,
): Uint8Array {
  let next = 0;
  const walk = (t: Tree): Uint8Array => {
    if (!contains(t, leaves)) {
      const node = withheld[next++];
      if (node === undefined)
        throw new RangeError('withheld: expected one hash per withheld subtree');
      return node;
    }
    return typeof t === 'number'
      ? (digests[t] as Uint8Array)
      : nodeOf(walk(t[0]), walk(t[1]), hash);
  };
  const root = walk(DIGEST_TREE);
  if (next !== withheld.length)
    throw new RangeError('withheld: expected one hash per withheld subtree');
  return root;
}

/**
 * What `sd_hash` hashes: `<compact credential>~<D_a>~<D_b>~…~`, the disclosures of the groups
 * shown, in the order listed (RFC 9901 §4.3.1 with no key-binding JWT after the last `~`).
 */
export function sdHashInput(credential: string, disclosures: readonly string[]): Uint8Array {
  return utf8(`${credential}~${disclosures.map((d) => `${d}~`).join('')}`);
}

/** Whether two byte strings are equal (lengths included). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
