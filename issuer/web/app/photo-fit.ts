/**
 * A photo made fit to send from the phone, before a byte of it goes over the network: a large
 * photo (or one in a format the service does not take, such as an iPhone's HEIC where the browser
 * reads it) is drawn smaller on a canvas and sent as a JPEG the pre-check accepts
 * (issuer/application/photo-precheck.ts): upright (the EXIF orientation applied), its proportions
 * kept, never below 358×441, between 20 KB and 5 MB, with its EXIF date carried over
 * (jpeg-date.ts) so that the six-month rule still applies. A small JPEG or PNG goes as it is.
 */
import { PHOTO_LIMITS } from '../../application/photo-limits.js';
import { exifDateOf, withExifDate } from './jpeg-date.js';

/** A JPEG or PNG at most this large is sent as it is. */
export const SEND_AS_IS_BYTES = 1024 * 1024;
/** The longer side of a photo drawn smaller: ample for a reviewer, small to send. */
export const FITTED_LONG_SIDE = 1280;
/** The JPEG qualities tried, best first, until the copy is at most SEND_AS_IS_BYTES. */
const QUALITIES = [0.9, 0.85, 0.8, 0.7] as const;

/** A photo ready to send, or why this file cannot be used (said in words by the caller). */
export type Fitted =
  | {
      readonly ok: true;
      readonly blob: Blob;
      readonly type: 'image/jpeg' | 'image/png';
      /** Whether the phone made a smaller copy. */
      readonly resized: boolean;
    }
  | {
      readonly ok: false;
      /** `unreadable`: the browser cannot decode it (and it is no JPEG or PNG, or over the limit). */
      readonly reason: 'unreadable' | 'too-large';
      readonly bytes: number;
    };

/** JPEG or PNG from the first bytes, as the pre-check sniffs them. */
function formatOf(head: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.every((b, i) => head[i] === b)) return 'image/png';
  return undefined;
}

/** The scale that brings the longer side to FITTED_LONG_SIDE, never below the minimum size. */
export function fittedScale(width: number, height: number): number {
  const down = Math.min(1, FITTED_LONG_SIDE / Math.max(width, height));
  const floor = Math.max(PHOTO_LIMITS.minWidth / width, PHOTO_LIMITS.minHeight / height);
  return Math.min(1, Math.max(down, floor));
}

function toJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (blob === null) reject(new Error('canvas: no JPEG'));
        else resolve(blob);
      },
      'image/jpeg',
      quality,
    );
  });
}

/** Makes `file` fit to send: as it is, or a smaller JPEG drawn from it. */
export async function fitPhoto(file: Blob): Promise<Fitted> {
  // EXIF sits in the first segments of a JPEG, within 64 kB of the start each.
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const format = formatOf(head);
  if (format !== undefined && file.size <= SEND_AS_IS_BYTES)
    return { ok: true, blob: file, type: format, resized: false };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    // The service reads more than some browsers do: a JPEG or PNG within the limit still goes.
    if (format !== undefined && file.size <= PHOTO_LIMITS.maxBytes)
      return { ok: true, blob: file, type: format, resized: false };
    return { ok: false, reason: 'unreadable', bytes: file.size };
  }
  const scale = fittedScale(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('canvas: no 2D context');
  // A PNG's transparent parts would turn black in a JPEG: white, as the background must be.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  let jpeg: Blob | undefined;
  for (const quality of QUALITIES) {
    jpeg = await toJpeg(canvas, quality);
    if (jpeg.size <= SEND_AS_IS_BYTES) break;
  }
  // An even, plain picture can come out below the smallest file the pre-check takes.
  if (jpeg !== undefined && jpeg.size < PHOTO_LIMITS.minBytes) jpeg = await toJpeg(canvas, 0.97);
  if (jpeg === undefined || jpeg.size > PHOTO_LIMITS.maxBytes)
    return { ok: false, reason: 'too-large', bytes: file.size };
  const date = format === 'image/jpeg' ? exifDateOf(head) : undefined;
  const bytes = new Uint8Array(await jpeg.arrayBuffer());
  const blob =
    date === undefined
      ? jpeg
      : new Blob([withExifDate(bytes, date) as BlobPart], { type: 'image/jpeg' });
  return { ok: true, blob, type: 'image/jpeg', resized: true };
}
