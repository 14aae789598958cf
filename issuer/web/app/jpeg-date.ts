/**
 * When a JPEG says it was taken (its EXIF date), read from a photo and written into the smaller
 * copy the phone makes of it (photo-fit.ts): a canvas keeps no metadata, and the service's
 * pre-check turns away a photo older than six months by that date (docs/DOMAIN.md §1.5). Only
 * the date is carried: no place, no camera, nothing else of the original's EXIF leaves the phone.
 *
 * Hand-written (about a hundred lines over the TIFF layout of EXIF 2.3 §4.6) rather than a
 * library: the EXIF writers on npm are unmaintained, and a reader such as exifr would add tens of
 * kilobytes to an app meant for slow networks for one tag.
 */

/** An EXIF date: `YYYY:MM:DD HH:MM:SS`, the camera's local time (no zone). */
const EXIF_DATE = /^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/;

const TAG_DATE_TIME = 0x0132;
const TAG_EXIF_IFD = 0x8769;
const TAG_DATE_TIME_ORIGINAL = 0x9003;
const TYPE_ASCII = 2;
const TYPE_LONG = 4;
const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** The JPEG's markers before its image data: [marker, offset of the segment's body, length]. */
function* segments(jpeg: Uint8Array): Generator<[number, number, number]> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return;
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1] ?? 0;
    // Start of scan: the image data follows, no metadata after it.
    if (marker === 0xda) return;
    const length = ((jpeg[at + 2] ?? 0) << 8) | (jpeg[at + 3] ?? 0);
    if (length < 2 || at + 2 + length > jpeg.length) return;
    yield [marker, at + 4, length - 2];
    at += 2 + length;
  }
}

/** A reader of the TIFF block of an EXIF segment, in its byte order; undefined past its end. */
function tiffReader(tiff: DataView) {
  const little = tiff.getUint8(0) === 0x49;
  const u16 = (at: number) => (at + 2 <= tiff.byteLength ? tiff.getUint16(at, little) : undefined);
  const u32 = (at: number) => (at + 4 <= tiff.byteLength ? tiff.getUint32(at, little) : undefined);
  /** The value offset (or inline value) of `tag` in the IFD at `ifd`, with its type and count. */
  const entry = (ifd: number, tag: number) => {
    const count = u16(ifd);
    if (count === undefined) return undefined;
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + i * 12;
      if (u16(at) !== tag) continue;
      const type = u16(at + 2);
      const n = u32(at + 4);
      const value = u32(at + 8);
      return type === undefined || n === undefined || value === undefined
        ? undefined
        : { type, n, value };
    }
    return undefined;
  };
  const ascii = (ifd: number, tag: number): string | undefined => {
    const e = entry(ifd, tag);
    if (e?.type !== TYPE_ASCII || e.n < 19 || e.value + 19 > tiff.byteLength) return undefined;
    let text = '';
    for (let i = 0; i < 19; i++) text += String.fromCharCode(tiff.getUint8(e.value + i));
    return EXIF_DATE.test(text) ? text : undefined;
  };
  return { u16, u32, entry, ascii };
}

/**
 * The date the JPEG says it was taken: its EXIF DateTimeOriginal, or failing that DateTime (the
 * two the service's pre-check reads), as `YYYY:MM:DD HH:MM:SS`; undefined when it says none.
 */
export function exifDateOf(jpeg: Uint8Array): string | undefined {
  for (const [marker, body, length] of segments(jpeg)) {
    if (marker !== 0xe1 || length < 14) continue;
    if (!EXIF_HEADER.every((b, i) => jpeg[body + i] === b)) continue;
    const tiff = new DataView(jpeg.buffer, jpeg.byteOffset + body + 6, length - 6);
    const order = tiff.getUint16(0);
    if (order !== 0x4949 && order !== 0x4d4d) return undefined;
    const read = tiffReader(tiff);
    if (read.u16(2) !== 42) return undefined;
    const ifd0 = read.u32(4);
    if (ifd0 === undefined) return undefined;
    const exifIfd = read.entry(ifd0, TAG_EXIF_IFD);
    const original =
      exifIfd?.type === TYPE_LONG ? read.ascii(exifIfd.value, TAG_DATE_TIME_ORIGINAL) : undefined;
    return original ?? read.ascii(ifd0, TAG_DATE_TIME);
  }
  return undefined;
}

/**
 * `jpeg` with an EXIF segment holding only `date` (as DateTime and DateTimeOriginal), placed
 * after the JFIF segment when there is one (a canvas's JPEG has it first), else after the start.
 * @throws {RangeError} when `date` is not `YYYY:MM:DD HH:MM:SS` or `jpeg` is not a JPEG.
 */
export function withExifDate(jpeg: Uint8Array, date: string): Uint8Array {
  if (!EXIF_DATE.test(date))
    throw new RangeError(`withExifDate: expected YYYY:MM:DD HH:MM:SS, found ${date}`);
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
    throw new RangeError('withExifDate: expected a JPEG (FF D8 first)');
  // Big-endian TIFF: header, IFD0 (DateTime, the Exif IFD), its date, the Exif IFD, its date.
  const tiff = new DataView(new ArrayBuffer(96));
  const text = (at: number) => {
    for (let i = 0; i < 19; i++) tiff.setUint8(at + i, date.charCodeAt(i));
  };
  const field = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.setUint16(at, tag);
    tiff.setUint16(at + 2, type);
    tiff.setUint32(at + 4, count);
    tiff.setUint32(at + 8, value);
  };
  tiff.setUint16(0, 0x4d4d);
  tiff.setUint16(2, 42);
  tiff.setUint32(4, 8);
  tiff.setUint16(8, 2);
  field(10, TAG_DATE_TIME, TYPE_ASCII, 20, 38);
  field(22, TAG_EXIF_IFD, TYPE_LONG, 1, 58);
  tiff.setUint32(34, 0);
  text(38);
  tiff.setUint16(58, 1);
  field(60, TAG_DATE_TIME_ORIGINAL, TYPE_ASCII, 20, 76);
  tiff.setUint32(72, 0);
  text(76);
  const segment = new Uint8Array(4 + EXIF_HEADER.length + tiff.byteLength);
  segment.set([0xff, 0xe1, 0, segment.length - 2]);
  segment.set(EXIF_HEADER, 4);
  segment.set(new Uint8Array(tiff.buffer), 4 + EXIF_HEADER.length);
  const first = segments(jpeg).next();
  const at = !first.done && first.value[0] === 0xe0 ? first.value[1] + first.value[2] : 2;
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at));
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
}
