/*
 * A tiny YUV4MPEG2 writer for Chromium's fake camera (--use-file-for-fake-video-capture): RGBA
 * frames in, 4:2:0 (C420jpeg, full-range BT.601) out, one FRAME per picture. Chromium plays the
 * file at its frame rate and starts again at the end.
 */
import { PNG } from 'pngjs';
import { renderQrPng } from '../../shared/node/qr-png.js';

/** One picture: `width × height` pixels, 4 bytes each (R, G, B, A). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The Y4M stream of `frames` (all of one even size) at `fps` frames a second. */
export function encodeY4m(frames: readonly RgbaImage[], fps: number): Buffer {
  const first = frames[0];
  if (first === undefined) throw new RangeError('frames: expected at least one');
  const { width, height } = first;
  if (width % 2 !== 0 || height % 2 !== 0)
    throw new RangeError(`frames: expected an even width and height, found ${width}×${height}`);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const frameHeader = Buffer.from('FRAME\n');
  const lumaSize = width * height;
  const chromaSize = lumaSize / 4;
  const parts: Buffer[] = [header];
  for (const frame of frames) {
    if (frame.width !== width || frame.height !== height)
      throw new RangeError('frames: expected every frame of the first frame’s size');
    const out = Buffer.alloc(lumaSize + 2 * chromaSize);
    const d = frame.data;
    for (let i = 0; i < lumaSize; i++) {
      const r = d[i * 4] as number;
      const g = d[i * 4 + 1] as number;
      const b = d[i * 4 + 2] as number;
      out[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
    }
    // Chroma from the average of each 2×2 block.
    for (let y = 0; y < height / 2; y++) {
      for (let x = 0; x < width / 2; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (const [dx, dy] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ] as const) {
          const p = ((2 * y + dy) * width + 2 * x + dx) * 4;
          r += d[p] as number;
          g += d[p + 1] as number;
          b += d[p + 2] as number;
        }
        r /= 4;
        g /= 4;
        b /= 4;
        const k = y * (width / 2) + x;
        out[lumaSize + k] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        out[lumaSize + chromaSize + k] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
    parts.push(frameHeader, out);
  }
  return Buffer.concat(parts);
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** A white frame: the camera sees no code. */
export function blankFrame(width = 640, height = 480): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4).fill(255) };
}

/** Decodes a PNG into RGBA. */
export function decodePng(png: Buffer): RgbaImage {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, data: image.data };
}

/**
 * A camera frame showing `text` as the driver's phone would: the QR (ECC M, 4-module quiet
 * zone, as shared/qr.ts renders it) in the middle of a grey `width × height` picture.
 */
export async function qrFrame(text: string, width = 640, height = 480): Promise<RgbaImage> {
  // The largest whole number of pixels a module that leaves the code inside 75% of the height.
  const modules = decodePng(await renderQrPng(text, 1)).width;
  const scale = Math.max(2, Math.floor((height * 0.75) / modules));
  return centredFrame(decodePng(await renderQrPng(text, scale)), width, height);
}

/**
 * A camera frame showing `picture` (a rendered code, a screenshot of a screen's code) in the
 * middle of a grey `width × height` picture, as a camera held up to it would.
 * @throws {RangeError} when the picture does not fit.
 */
export function centredFrame(picture: RgbaImage, width = 640, height = 480): RgbaImage {
  if (picture.width > width || picture.height > height)
    throw new RangeError(
      `picture: expected at most ${width}×${height}, found ${picture.width}×${picture.height}`,
    );
  const data = new Uint8Array(width * height * 4).fill(170);
  const left = Math.floor((width - picture.width) / 2);
  const top = Math.floor((height - picture.height) / 2);
  for (let y = 0; y < picture.height; y++) {
    const row = (top + y) * width + left;
    data.set(picture.data.subarray(y * picture.width * 4, (y + 1) * picture.width * 4), row * 4);
  }
  return { width, height, data };
}
