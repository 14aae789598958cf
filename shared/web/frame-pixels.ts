/*
 * The pixels of the framing guide's square of a video's current frame, taken from the frame
 * itself with WebCodecs (VideoFrame.copyTo): turned into RGBA by the browser where it can
 * (copyTo's `format`), else the frame's own grey (the Y plane of a camera's YUV frame, which is
 * the grey a QR reader wants). Drawing the frame onto a canvas and reading the canvas back
 * instead makes a full RGB frame on the page's thread.
 */
import type { GreyPixels, RgbaPixels } from '../qr-reader.js';

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
 * The pixels of the guide's square of a video's current frame (or of a frame): RGBA as the
 * browser converts them, or, where it cannot or the square is to be scaled down to `maxSide`
 * (nearest pixel), grey from the frame's own format. Undefined where WebCodecs is missing or the
 * frame's pixels cannot be had this way (no current frame, an opaque GPU frame without a format,
 * a format of more than eight bits): the caller then draws the frame on a canvas.
 */
export async function framePixels(
  source: HTMLVideoElement | VideoFrame,
  square: GuideSquare,
): Promise<RgbaPixels | GreyPixels | undefined> {
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
    // Even sides and corners: a subsampled chroma plane comes in pairs of pixels.
    const side = Math.round(Math.min(visibleRect.width, visibleRect.height) * square.share) & ~1;
    if (side < 2) return undefined;
    const rect = {
      x: (visibleRect.x + Math.floor((visibleRect.width - side) / 2)) & ~1,
      y: (visibleRect.y + Math.floor((visibleRect.height - side) / 2)) & ~1,
      width: side,
      height: side,
    };
    const out = Math.min(side, square.maxSide);
    // The browser's conversion, where nothing is to be scaled.
    if (out === side) {
      const rgba = await asRgba(frame, rect);
      if (rgba !== undefined) return { width: side, height: side, data: rgba };
    }
    const packed = PACKED[format];
    if (!LUMA_FIRST.has(format) && packed === undefined) return undefined;
    const bytes = new Uint8Array(frame.allocationSize({ rect }));
    const [plane] = await frame.copyTo(bytes, { rect });
    if (plane === undefined) return undefined;
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

/**
 * The square as RGBA, converted by the browser (copyTo's `format`, in Chromium since 127), or
 * undefined where it does not convert. A browser that does not know the option ignores it and
 * copies the frame's own planes: told by the layout it answers with.
 */
async function asRgba(
  frame: VideoFrame,
  rect: DOMRectInit & { width: number; height: number },
): Promise<Uint8ClampedArray | undefined> {
  const rowBytes = rect.width * 4;
  const rgba = new Uint8ClampedArray(rowBytes * rect.height);
  try {
    const layout = await frame.copyTo(rgba, { rect, format: 'RGBA' });
    const [plane] = layout;
    return layout.length === 1 && plane?.offset === 0 && plane.stride === rowBytes
      ? rgba
      : undefined;
  } catch {
    // A format the browser does not convert (more than eight bits, say).
    return undefined;
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
