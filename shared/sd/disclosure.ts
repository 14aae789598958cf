/**
 * Salts, disclosures and digests of credential format version 2 (FORMAT.md §8.3), after
 * RFC 9901 §4.2.1 and §4.2.3, with 16-byte digests.
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

const GROUP_NAME_BYTES = GROUP_NAMES.map((name) => utf8(name));

/** An HMAC-SHA-256 function: the backend's (native in Node), or @noble/hashes'. */
export type HmacSha256 = (key: Uint8Array, message: Uint8Array) => Uint8Array;

const nobleHmac: HmacSha256 = (key, message) => hmac(sha256, key, message);

/** salt_g: the first 16 bytes of HMAC-SHA-256(key = seed, message = UTF-8 of the group name). */
export function saltOf(
  seed: Uint8Array,
  group: GroupIndex,
  mac: HmacSha256 = nobleHmac,
): Uint8Array {
  if (seed.length !== SEED_BYTES) throw new RangeError(`seed: expected ${SEED_BYTES} bytes`);
  return mac(seed, GROUP_NAME_BYTES[group] as Uint8Array).slice(0, SALT_BYTES);
}

/** The salts of all six groups, in index order. */
export function saltsOf(seed: Uint8Array, mac: HmacSha256 = nobleHmac): Uint8Array[] {
  return GROUP_NAMES.map((_, g) => saltOf(seed, g as GroupIndex, mac));
}

/**
 * D_g = base64url(UTF-8(JSON.stringify([base64url(salt), name, value]))): an RFC 9901 object
 * property disclosure, the group's name as the claim name.
 */
export function disclosureOf(salt: Uint8Array, group: GroupIndex, value: GroupValue): string {
  return encodeBase64url(utf8(JSON.stringify([encodeBase64url(salt), GROUP_NAMES[group], value])));
}

/** digest_g: the first 16 bytes of SHA-256 over the ASCII of the disclosure. */
export function digestOf(disclosure: string, hash: Sha256 = sha256): Uint8Array {
  return hash(utf8(disclosure)).subarray(0, DIGEST_BYTES);
}

/**
 * The digest tree (FORMAT.md §8.3): the six group digests are its leaves, paired as
 * ((holder, driving), (identity, file)), (age_over_18, age_over_60); `sd` is its root.
 */
type Tree = GroupIndex | readonly [Tree, Tree];
export const DIGEST_TREE: Tree = [
  [
    [0, 1],
    [2, 3],
  ],
  [4, 5],
];

/** A node of the tree: the first 16 bytes of SHA-256 over its two children's 32 bytes. */
export function nodeOf(left: Uint8Array, right: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  const both = new Uint8Array(2 * NODE_BYTES);
  both.set(left, 0);
  both.set(right, NODE_BYTES);
  return hash(both).subarray(0, NODE_BYTES);
}

/** The root of the tree over all six digests (index order): the credential's `sd`. */
export function rootOf(digests: readonly Uint8Array[], hash: Sha256 = sha256): Uint8Array {
  const walk = (t: Tree): Uint8Array =>
    typeof t === 'number' ? (digests[t] as Uint8Array) : nodeOf(walk(t[0]), walk(t[1]), hash);
  return walk(DIGEST_TREE);
}

function contains(t: Tree, groups: readonly GroupIndex[]): boolean {
  return typeof t === 'number'
    ? groups.includes(t)
    : contains(t[0], groups) || contains(t[1], groups);
}

/**
 * The hashes a presentation of `groups` carries for what it withholds: of every largest subtree
 * with no disclosed leaf, left to right. None when all six are disclosed; two for the rental
 * (identity-file, age flags) and age (age_over_60, holder-to-file) sets.
 */
export function withheldNodes(
  digests: readonly Uint8Array[],
  groups: readonly GroupIndex[],
  hash: Sha256 = sha256,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const hashOf = (t: Tree): Uint8Array =>
    typeof t === 'number' ? (digests[t] as Uint8Array) : nodeOf(hashOf(t[0]), hashOf(t[1]), hash);
  const walk = (t: Tree): void => {
    if (!contains(t, groups)) out.push(hashOf(t));
    else if (typeof t !== 'number') {
      walk(t[0]);
      walk(t[1]);
    }
  };
  walk(DIGEST_TREE);
  return out;
}

/** How many withheld-subtree hashes a presentation of `groups` carries. */
export function withheldNodeCount(groups: readonly GroupIndex[]): number {
  const count = (t: Tree): number =>
    !contains(t, groups) ? 1 : typeof t === 'number' ? 0 : count(t[0]) + count(t[1]);
  return count(DIGEST_TREE);
}

/**
 * The root rebuilt from the disclosed groups' digests and the withheld subtrees' hashes (in the
 * order {@link withheldNodes} lists them).
 * @param groups the disclosed groups.
 * @param digests the digest of each disclosed group, at its group index.
 */
export function rootFrom(
  groups: readonly GroupIndex[],
  digests: readonly (Uint8Array | undefined)[],
  withheld: readonly Uint8Array[],
  hash: Sha256 = sha256,
): Uint8Array {
  let next = 0;
  const walk = (t: Tree): Uint8Array => {
    if (!contains(t, groups)) {
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
