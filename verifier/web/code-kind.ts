/**
 * What a scanned QR is, by its prefix alone: a holder's presentation (format 1 or 2), a
 * verifier's request (another checker's screen), or something else entirely (a payment or WeChat
 * code, a web address). Only a presentation is verified; the others get a neutral answer in words
 * (not a red verdict: nothing was checked and nothing failed). In 设置, a QR read for the device
 * token is the token only when it has a token's shape; any other code is said for what it is.
 */
import { PRESENTATION_PREFIX } from '../../shared/presentation.js';
import { isDeviceToken } from '../../shared/request/device-token.js';
import { REQUEST_PREFIX } from '../../shared/request/prefix.js';
import { PRESENTATION_PREFIX_V2 } from '../../shared/sd/prefix.js';

/** The kind of a scanned text. */
export type CodeKind = 'presentation' | 'request' | 'other';

/**
 * The kind of `text`: a presentation when it starts with a presentation prefix (a damaged one is
 * still judged by the verifier, red), a request when it starts with the request prefix, else
 * other.
 */
export function codeKind(text: string): CodeKind {
  if (text.startsWith(PRESENTATION_PREFIX) || text.startsWith(PRESENTATION_PREFIX_V2))
    return 'presentation';
  if (text.startsWith(REQUEST_PREFIX)) return 'request';
  return 'other';
}

/** A QR read for the device token: the token, or the kind of code it is instead. */
export type TokenRead = { readonly token: string } | { readonly other: CodeKind };

/**
 * What `text`, read by 扫码填入, gives the token field: the token when it has a device token's shape
 * (the console's QR holds the token itself; white space around it is not part of it), else the
 * kind of code it is, so that the officer is told what was scanned instead.
 */
export function readTokenCode(text: string): TokenRead {
  const trimmed = text.trim();
  return isDeviceToken(trimmed) ? { token: trimmed } : { other: codeKind(text) };
}
