/*
 * The grey of the framing guide's square of a video's current frame, taken from the frame's own
 * pixels with WebCodecs (VideoFrame.copyTo): the Y plane of a camera's YUV frame is the grey a
 * QR reader wants. Drawing the frame onto a canvas and reading the canvas back instead turns the
 * frame into RGB on the page's thread, and the reader then turns it back into grey.
 */
import type { GreyPixels } from '../qr-reader.js';

/** Formats whose first plane is 8-bit luminance, one byte a pixel. */
const LUMA_FIRST: ReadonlySet<string> = new Set([
  'I420',
  'I420A',
  'I422',
  'I422A',
  'I444',
  'I444A',
  'NV12',
]);

/** Where red, green and blue are in each four bytes of a packed format. */
const PACKED: Readonly<Record<string, readonly [number, number, number]>> = {
  RGBA: [0, 1, 2],
  RGBX: [0, 1, 2],
  BGRA: [2, 1, 0],
  BGRX: [2, 1, 0],
};

/** The square to read: `share` of the shorter side of the frame, centred, at most `maxSide` out. */
export interface GuideSquare {
  readonly share: number;
  readonly maxSide: number;
}

/**
 * The grey pixels of the guide's square of a video's current frame (or of a frame), scaled down
 * (nearest pixel) to at most `maxSide`; undefined where WebCodecs is missing or the frame's
 * pixels cannot be had this way (no current frame, an opaque GPU frame without a format, a
 * format of more than eight bits): the caller then draws the frame on a canvas.
 */
export async function frameGrey(
  source: HTMLVideoElement | VideoFrame,
  square: GuideSquare,
): Promise<GreyPixels | undefined> {
  if (typeof VideoFrame === 'undefined') return undefined;
  let frame: VideoFrame;
  try {
    // The video's current frame, or a copy of the frame given (closed here; the caller's stays).
    frame = new VideoFrame(source);
  } catch {
    return undefined;
  }
  try {
    const { format, visibleRect } = frame;
    if (format === null || visibleRect === null) return undefined;
    const packed = PACKED[format];
    if (!LUMA_FIRST.has(format) && packed === undefined) return undefined;
    // Even sides and corners: a subsampled chroma plane comes in pairs of pixels.
    const side = Math.round(Math.min(visibleRect.width, visibleRect.height) * square.share) & ~1;
    if (side < 2) return undefined;
    const rect = {
      x: (visibleRect.x + Math.floor((visibleRect.width - side) / 2)) & ~1,
      y: (visibleRect.y + Math.floor((visibleRect.height - side) / 2)) & ~1,
      width: side,
      height: side,
    };
    const bytes = new Uint8Array(frame.allocationSize({ rect }));
    const [plane] = await frame.copyTo(bytes, { rect });
    if (plane === undefined) return undefined;
    const out = Math.min(side, square.maxSide);
    if (packed === undefined) {
      // The Y plane as it is, when nothing is to be scaled or skipped.
      if (out === side && plane.stride === side)
        return {
          width: side,
          height: side,
          grey: bytes.subarray(plane.offset, plane.offset + side * side),
        };
      return {
        width: out,
        height: out,
        grey: sample(bytes, plane, side, out, 1, (at) => bytes[at] as number),
      };
    }
    const [r, g, b] = packed;
    // zxing-cpp's own weights (RGBToLum), so that the grey is what it would have made.
    const grey = (at: number) =>
      (306 * (bytes[at + r] as number) +
        601 * (bytes[at + g] as number) +
        117 * (bytes[at + b] as number) +
        512) >>
      10;
    return { width: out, height: out, grey: sample(bytes, plane, side, out, 4, grey) };
  } catch {
    return undefined;
  } finally {
    frame.close();
  }
}

/** `out × out` grey pixels, each the nearest of a `side × side` plane's (`size` bytes a pixel). */
function sample(
  bytes: Uint8Array,
  plane: PlaneLayout,
  side: number,
  out: number,
  size: number,
  grey: (at: number) => number,
): Uint8Array {
  const pixels = new Uint8Array(out * out);
  const columns = Uint32Array.from({ length: out }, (_, x) => Math.floor((x * side) / out) * size);
  for (let y = 0; y < out; y++) {
    const row = plane.offset + Math.floor((y * side) / out) * plane.stride;
    for (let x = 0; x < out; x++) pixels[y * out + x] = grey(row + (columns[x] as number));
  }
  return pixels;
}
