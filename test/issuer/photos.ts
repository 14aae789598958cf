/** Photos for the application tests, made with sharp: real JPEG files, not byte fixtures. */
import sharp from 'sharp';

function seededNoise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
}

/**
 * A 600×800 portrait: a plain background of grey level `background`, a dark textured ellipse.
 * `takenAt` writes it into the EXIF DateTime, as a camera would (local China time, no zone).
 */
export async function portraitJpeg(
  background = 255,
  options: { readonly seed?: number; readonly takenAt?: Date } = {},
): Promise<Buffer> {
  const width = 600;
  const height = 800;
  const next = seededNoise(options.seed ?? 4207);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside =
        ((x - width / 2) / (width * 0.3)) ** 2 + ((y - height / 2) / (height * 0.35)) ** 2 <= 1;
      pixels.fill(inside ? next() % 100 : background, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  let image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (options.takenAt !== undefined) {
    // EXIF "YYYY:MM:DD HH:MM:SS" in China time.
    const china = new Date(options.takenAt.getTime() + 8 * 3600 * 1000).toISOString();
    const text = `${china.slice(0, 10).replaceAll('-', ':')} ${china.slice(11, 19)}`;
    image = image.withExif({ IFD0: { DateTime: text } });
  }
  return image.jpeg({ quality: 90 }).toBuffer();
}

/** A selfie: any JPEG will do for the development identity check. */
export const SELFIE = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1,
]).toString('base64');
