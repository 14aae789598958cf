import sharp from 'sharp';

/** Width and height of a demo portrait: above the ID photo minimum of 358×441, ratio 0.8. */
const WIDTH = 480;
const HEIGHT = 600;

/**
 * A made-up ID-style photo for the demo registry: a light, even background and a dark head and
 * shoulders, with a little noise so that it is a photo-sized JPEG (the pre-check refuses
 * thumbnails) and differs from one `seed` to the next. No real person.
 */
export async function demoPortrait(seed: number): Promise<Buffer> {
  let state = (seed * 2654435761) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
  const background = 236 + (seed % 4) * 4;
  const headRx = WIDTH * (0.17 + (seed % 3) * 0.015);
  const headRy = HEIGHT * 0.2;
  const headY = HEIGHT * 0.4;
  const shoulderRx = WIDTH * 0.46;
  const shoulderRy = HEIGHT * 0.3;
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const dx = x - WIDTH / 2;
      const head = (dx / headRx) ** 2 + ((y - headY) / headRy) ** 2 <= 1;
      const shoulders = (dx / shoulderRx) ** 2 + ((y - HEIGHT) / shoulderRy) ** 2 <= 1;
      const at = (y * WIDTH + x) * 3;
      if (head) pixels.fill(70 + (next() % 40), at, at + 3);
      else if (shoulders) pixels.fill(20 + (next() % 25), at, at + 3);
      else pixels.fill(background - (next() % 4), at, at + 3);
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}
