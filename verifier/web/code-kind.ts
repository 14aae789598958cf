/**
 * What a scanned QR is, by its prefix alone: a holder's presentation (format 1 or 2), a
 * verifier's request (another checker's screen), or something else entirely (a payment or WeChat
 * code, a web address). Only a presentation is verified; the others get a neutral answer in words
 * (not a red verdict: nothing was checked and nothing failed).
 */
import { PRESENTATION_PREFIX } from '../../shared/presentation.js';
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
