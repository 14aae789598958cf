import type { QrDecoder } from './qr-decoder.js';

/** Side of the square read from each frame, at most (pixels): enough for a version-22 code. */
const MAX_SIDE = 640;
/** Share of the frame's shorter side inside the framing guide. */
const GUIDE_SHARE = 0.8;
/** At most this many decodes a second: the rest of the time is the verifier's. */
const MIN_INTERVAL_MS = 80;

/** Called with each code read; `frameAt` is when the frame was handed to the page (ms). */
export type OnCode = (text: string, frameAt: number) => void;

/** A running camera scan. */
export interface CameraScan {
  stop(): void;
}

/**
 * Starts the back camera and reads every new frame inside the framing guide (the centre square)
 * until stopped. One decode at a time; frames that arrive meanwhile are skipped.
 * @throws {DOMException} from getUserMedia when there is no camera or no permission.
 */
export async function startCameraScan(
  video: HTMLVideoElement,
  decoder: QrDecoder,
  onCode: OnCode,
): Promise<CameraScan> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('canvas 2d context unavailable');
  let stopped = false;
  let busy = false;
  let lastDecode = -Infinity;

  const onFrame = (frameAt: number): void => {
    if (stopped) return;
    schedule();
    if (busy || frameAt - lastDecode < MIN_INTERVAL_MS) return;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0) return;
    busy = true;
    lastDecode = frameAt;
    const side = Math.round(Math.min(width, height) * GUIDE_SHARE);
    const out = Math.min(side, MAX_SIDE);
    if (canvas.width !== out) {
      canvas.width = out;
      canvas.height = out;
    }
    context.drawImage(video, (width - side) / 2, (height - side) / 2, side, side, 0, 0, out, out);
    decoder
      .decode(canvas, context)
      .then((text) => {
        if (text !== undefined && !stopped) onCode(text, frameAt);
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  };

  // requestVideoFrameCallback runs once per new camera frame; elsewhere, poll.
  const schedule = (): void => {
    if ('requestVideoFrameCallback' in video) {
      video.requestVideoFrameCallback((now, frame) => {
        // When the frame reached the page (its presentation time), not when this ran.
        onFrame(Math.min(now, frame.presentationTime));
      });
    } else {
      setTimeout(() => {
        onFrame(performance.now());
      }, MIN_INTERVAL_MS);
    }
  };
  schedule();

  return {
    stop() {
      stopped = true;
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
