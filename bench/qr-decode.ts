/*
 * QR decoding per camera frame: the apps' reader (shared/qr-reader.ts, zxing-cpp in WebAssembly,
 * with the options the apps use) against jsQR 1.4 as the apps called it before (dark on light
 * only, as for a camera frame). The frames are the degraded fixtures of test/fixtures/degraded/
 * scaled as the police app scales a camera frame (the longer side at most 640 px), and one frame
 * without a code, what the camera sees most of the time. Times are medians of interleaved rounds
 * in one process; the ratio (jsQR time / zxing-cpp time) is the figure to compare between runs.
 */
import { readFile } from 'node:fs/promises';
import jsQRModule from 'jsqr';
import sharp from 'sharp';
import { useInstalledQrReader } from '../shared/node/qr-reader-wasm.js';
import { readQrPixels, type RgbaPixels } from '../shared/qr-reader.js';
import {
  degradedFixtures,
  fixturePath,
  referenceText,
} from '../test/fixtures/degraded/fixtures.js';

// jsqr is CommonJS: under NodeNext its typed default export is the module object.
const jsQR = jsQRModule.default;

const ROUNDS = 5;
/** The police app's largest decoded square (shared/web/camera-scanner.ts, MAX_SIDE). */
const MAX_SIDE = 640;

/** One frame's figures. */
interface FrameFigures {
  readonly frame: string;
  readonly zxing_ms: number;
  readonly jsqr_ms: number;
  /** jsQR's time over zxing-cpp's. */
  readonly ratio: number;
  readonly zxing_read: boolean;
  readonly jsqr_read: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function frameOf(file: string): Promise<RgbaPixels> {
  const { data, info } = await sharp(await readFile(fixturePath(file)))
    .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  };
}

/** A 640×640 frame without a code: smooth shading and deterministic noise, like a scene. */
function sceneFrame(): RgbaPixels {
  const data = new Uint8ClampedArray(MAX_SIDE * MAX_SIDE * 4);
  let seed = 1;
  for (let i = 0; i < MAX_SIDE * MAX_SIDE; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const x = i % MAX_SIDE;
    const y = Math.floor(i / MAX_SIDE);
    const v = 120 + 60 * Math.sin(x / 37) * Math.cos(y / 53) + (seed / 0x7fffffff) * 40;
    data.set([v, v, v, 255], i * 4);
  }
  return { width: MAX_SIDE, height: MAX_SIDE, data };
}

/** Runs the section, printing as it goes; returns the figures. */
export async function qrDecode(): Promise<Record<string, unknown>> {
  await useInstalledQrReader();
  const text = await referenceText();
  const frames: { name: string; pixels: RgbaPixels }[] = [];
  for (const { file } of await degradedFixtures())
    frames.push({ name: file, pixels: await frameOf(file) });
  frames.push({ name: 'no code (a scene)', pixels: sceneFrame() });

  const zxing = (p: RgbaPixels) => readQrPixels(p);
  const jsqr = (p: RgbaPixels) =>
    jsQR(p.data, p.width, p.height, { inversionAttempts: 'dontInvert' })?.data;

  // Warm-up: the WebAssembly compiled and jsQR's code optimised before anything is timed.
  for (const { pixels } of frames) {
    await zxing(pixels);
    jsqr(pixels);
  }
  const times = frames.map(() => ({ zxing: [] as number[], jsqr: [] as number[] }));
  const read = frames.map(() => ({ zxing: false, jsqr: false }));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, { pixels }] of frames.entries()) {
      const t0 = performance.now();
      const z = await zxing(pixels);
      const t1 = performance.now();
      const j = jsqr(pixels);
      const t2 = performance.now();
      const at = times[i] as { zxing: number[]; jsqr: number[] };
      at.zxing.push(t1 - t0);
      at.jsqr.push(t2 - t1);
      read[i] = { zxing: z === text, jsqr: j === text };
    }
  }
  const rows: FrameFigures[] = frames.map(({ name }, i) => {
    const at = times[i] as { zxing: number[]; jsqr: number[] };
    const z = median(at.zxing);
    const j = median(at.jsqr);
    return {
      frame: name,
      zxing_ms: Number(z.toFixed(2)),
      jsqr_ms: Number(j.toFixed(2)),
      ratio: Number((j / z).toFixed(1)),
      zxing_read: read[i]?.zxing ?? false,
      jsqr_read: read[i]?.jsqr ?? false,
    };
  });
  const sum = (k: 'zxing_ms' | 'jsqr_ms') => rows.reduce((s, r) => s + r[k], 0);
  const overall = Number((sum('jsqr_ms') / sum('zxing_ms')).toFixed(1));

  console.log(
    `QR decoding per camera frame (≤ ${MAX_SIDE} px; ms, median of ${ROUNDS} interleaved rounds): zxing-cpp (WebAssembly) vs jsQR`,
  );
  const last = rows.length - 1;
  for (const [i, r] of rows.entries()) {
    // The scene has no code: nothing to read there.
    const mark = (ok: boolean) => (i === last ? '' : ok ? 'read' : 'MISSED');
    console.log(
      `  ${r.frame.padEnd(18)} zxing-cpp ${r.zxing_ms.toFixed(1).padStart(6)} ms ${mark(r.zxing_read).padEnd(6)}  jsQR ${r.jsqr_ms.toFixed(1).padStart(7)} ms ${mark(r.jsqr_read).padEnd(6)}  ×${r.ratio}`,
    );
  }
  console.log(`  all frames: jsQR takes ×${overall} the time of zxing-cpp`);
  return { frames: rows, rounds: ROUNDS, max_side: MAX_SIDE, jsqr_over_zxing: overall };
}
