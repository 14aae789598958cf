import { framePixels } from './frame-pixels.js';
import type { QrDecoder } from './qr-decoder.js';

/** Side of the square read from each frame, at most (pixels): enough for a version-22 code. */
const MAX_SIDE = 640;
/** Share of the frame's shorter side inside the framing guide. */
const GUIDE_SHARE = 0.8;
/** At most this many decodes a second: the rest of the time is the verifier's. */
const MIN_INTERVAL_MS = 80;

/** When a frame that held a code went through each step (performance.now, ms). */
export interface FrameTiming {
  /** The frame reached the page (its presentation time). */
  readonly frameAt: number;
  /** The page took it up (its frame callback ran). */
  readonly takenAt: number;
  /** Its pixels were in the form the decoder reads. */
  readonly pixelsAt: number;
  /** Its code was read. */
  readonly readAt: number;
  /** How its pixels were taken: the frame's own (WebCodecs), or drawn on a canvas. */
  readonly capture: 'frame' | 'canvas';
}

/**
 * Called with each code read and when its frame went through each step. What it returns is
 * awaited: a promise of its answer in the making (a verdict until painted) holds the next frame
 * back until it settles.
 */
export type OnCode = (text: string, timing: FrameTiming) => unknown;

/**
 * The longest an answer in the making holds the next frame back: an answer that never settles
 * (a page not painted while hidden, a verification waiting on something that never comes) must
 * not stop the camera for good.
 */
export const HOLD_MAX_MS = 2000;

/** Waits for `answer` if it is a promise, HOLD_MAX_MS at most; never rejects. */
function heldAtMost(answer: unknown): Promise<unknown> | undefined {
  if (!(answer instanceof Promise)) return undefined;
  return Promise.race([
    answer.catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, HOLD_MAX_MS)),
  ]);
}

/** A running camera scan. */
export interface CameraScan {
  stop(): void;
}

/**
 * Starts the back camera and reads every new frame inside the framing guide (the centre square)
 * until stopped. One frame at a time, until its code's answer is made; frames that arrive
 * meanwhile are skipped.
 * @throws {DOMException} from getUserMedia when there is no camera or no permission; AbortError
 *   when the video leaves the page, or another scan starts on it, before the camera's first frame
 *   (this scan's camera is ended then).
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
  // This scan's camera ended; the video emptied unless another scan has since put its own in it.
  const endCamera = () => {
    for (const track of stream.getTracks()) track.stop();
    if (video.srcObject === stream) video.srcObject = null;
  };
  let context: CanvasRenderingContext2D | null;
  try {
    video.srcObject = stream;
    video.muted = true;
    video.playsInline = true;
    // Rejects (AbortError) when the video leaves the page before its first frame (its panel was
    // replaced while the camera started) or another scan starts on it meanwhile. Nobody holds
    // this scan then, so its camera is ended here.
    await video.play();
    context = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    if (context === null) throw new Error('canvas 2d context unavailable');
  } catch (error) {
    endCamera();
    throw error;
  }
  const { canvas } = context;
  let stopped = false;
  let busy = false;
  let lastDecode = -Infinity;
  // A reader of pixels takes the frame's own pixels (WebCodecs) until that fails once; then, and
  // for BarcodeDetector, the frame is drawn on the canvas.
  let fromFrames = decoder.decodePixels !== undefined && typeof VideoFrame !== 'undefined';

  /** The text in the frame, or undefined; `pixelsAt` is when its pixels were in hand. */
  const read = async (): Promise<{
    text: string | undefined;
    pixelsAt: number;
    capture: FrameTiming['capture'];
  }> => {
    const readPixels = decoder.decodePixels;
    if (fromFrames && readPixels !== undefined) {
      const pixels = await framePixels(video, { share: GUIDE_SHARE, maxSide: MAX_SIDE });
      if (pixels !== undefined) {
        const pixelsAt = performance.now();
        return { text: await readPixels(pixels), pixelsAt, capture: 'frame' };
      }
      fromFrames = false;
    }
    const width = video.videoWidth;
    const height = video.videoHeight;
    const side = Math.round(Math.min(width, height) * GUIDE_SHARE);
    const out = Math.min(side, MAX_SIDE);
    if (canvas.width !== out) {
      canvas.width = out;
      canvas.height = out;
    }
    context.drawImage(video, (width - side) / 2, (height - side) / 2, side, side, 0, 0, out, out);
    if (readPixels === undefined) {
      const pixelsAt = performance.now();
      return { text: await decoder.decode(canvas, context), pixelsAt, capture: 'canvas' };
    }
    // A reader of pixels gets them here, so that the time to take them is told from its own.
    const pixels = context.getImageData(0, 0, out, out);
    const pixelsAt = performance.now();
    return { text: await readPixels(pixels), pixelsAt, capture: 'canvas' };
  };

  const onFrame = (frameAt: number): void => {
    if (stopped) return;
    schedule();
    if (busy || frameAt - lastDecode < MIN_INTERVAL_MS) return;
    if (video.videoWidth === 0 || video.videoHeight === 0) return;
    const takenAt = performance.now();
    busy = true;
    lastDecode = frameAt;
    read()
      .then(async ({ text, pixelsAt, capture }) => {
        if (text !== undefined && !stopped)
          await heldAtMost(
            onCode(text, { frameAt, takenAt, pixelsAt, readAt: performance.now(), capture }),
          );
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
      endCamera();
    },
  };
}
