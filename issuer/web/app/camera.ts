/*
 * Takes a picture with getUserMedia behind a framing overlay (head oval and shoulder line), as
 * a 3:4 portrait JPEG of 600×800: the ID photo proportions the pre-check asks for.
 */
import { h } from '../../../shared/web/dom.js';

/** Size of the picture taken. */
export const PHOTO_WIDTH = 600;
export const PHOTO_HEIGHT = 800;

/** Words the camera view shows. */
export interface CameraWords {
  readonly take: string;
  readonly cancel: string;
  readonly hint: string;
  readonly noCamera: string;
}

/**
 * Opens the camera in `host` and resolves with the JPEG taken, or undefined when cancelled.
 * @throws {Error} with `words.noCamera` when no camera can be opened.
 */
export async function takePicture(
  host: HTMLElement,
  facing: 'user' | 'environment',
  words: CameraWords,
): Promise<Blob | undefined> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: facing, width: { ideal: 1280 }, height: { ideal: 960 } },
      audio: false,
    });
  } catch (cause) {
    throw new Error(words.noCamera, { cause });
  }
  // The selfie preview is mirrored, as a mirror would show it; the picture taken is not.
  const video = h('video', {
    autoplay: true,
    muted: true,
    playsinline: true,
    class: facing === 'user' ? 'camera-video mirror' : 'camera-video',
  });
  video.srcObject = stream;
  const take = h('button', { type: 'button', class: 'primary', id: 'camera-take' }, words.take);
  const cancel = h('button', { type: 'button', class: 'secondary' }, words.cancel);
  host.replaceChildren(
    h(
      'div',
      { class: 'camera' },
      video,
      h(
        'div',
        { class: 'camera-frame', 'aria-hidden': 'true' },
        h('div', { class: 'camera-oval' }),
        h('div', { class: 'camera-shoulders' }),
      ),
    ),
    h('p', { class: 'hint' }, words.hint),
    h('div', { class: 'actions' }, take, cancel),
  );
  await video.play().catch(() => undefined);
  try {
    return await new Promise<Blob | undefined>((resolve, reject) => {
      cancel.addEventListener('click', () => {
        resolve(undefined);
      });
      take.addEventListener('click', () => {
        grab(video).then(resolve, reject);
      });
    });
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

/** The middle 3:4 of the current frame, scaled to 600×800, as JPEG. */
async function grab(video: HTMLVideoElement): Promise<Blob> {
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (vw === 0 || vh === 0) throw new Error('camera: no picture yet');
  const target = PHOTO_WIDTH / PHOTO_HEIGHT;
  const sw = vw / vh > target ? vh * target : vw;
  const sh = vw / vh > target ? vh : vw / target;
  const canvas = document.createElement('canvas');
  canvas.width = PHOTO_WIDTH;
  canvas.height = PHOTO_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('canvas: no 2D context');
  ctx.drawImage(video, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, PHOTO_WIDTH, PHOTO_HEIGHT);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (blob === null) reject(new Error('canvas: no JPEG'));
        else resolve(blob);
      },
      'image/jpeg',
      0.92,
    );
  });
}
