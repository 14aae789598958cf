/*
 * Counting the cameras a page holds open: an init script keeps every stream getUserMedia gives
 * the page in `__lzStreams`, and the helpers read their tracks' states back.
 */
import type { Page } from 'playwright-core';

/** Init script (page.addInitScript / context.addInitScript): keeps every camera stream opened. */
export function keepStreams(): void {
  const streams: MediaStream[] = [];
  (window as unknown as { __lzStreams: MediaStream[] }).__lzStreams = streams;
  const media = navigator.mediaDevices;
  const open = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    streams.push(stream);
    return stream;
  };
}

/** The state of each track of each stream the page opened, stream by stream, in order. */
export function streamStates(page: Page): Promise<string[][]> {
  return page.evaluate(() =>
    (window as unknown as { __lzStreams: MediaStream[] }).__lzStreams.map((s) =>
      s.getTracks().map((t) => t.readyState),
    ),
  );
}

/** How many camera tracks the page holds open (not stopped). */
export async function liveTracks(page: Page): Promise<number> {
  return (await streamStates(page)).flat().filter((state) => state === 'live').length;
}
