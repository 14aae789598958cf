/** A selfie for a real-person check, taken with the front camera, as the service reads it. */
import { encodeBase64url } from '../../../shared/base64url.js';
import { takePicture } from './camera.js';
import { t } from './ui.js';

/**
 * Opens the front camera in `main` and answers the picture as standard base64 with padding (the
 * `selfie` field of every real-person check), or undefined when the driver cancels.
 */
export async function takeSelfie(main: HTMLElement): Promise<string | undefined> {
  const blob = await takePicture(main, 'user', {
    take: t('cameraTake'),
    cancel: t('cameraCancel'),
    hint: t('selfieHint'),
    noCamera: t('noCamera'),
  });
  return blob === undefined ? undefined : toBase64(new Uint8Array(await blob.arrayBuffer()));
}

/** Standard base64 with padding, from base64url. */
function toBase64(bytes: Uint8Array): string {
  const url = encodeBase64url(bytes).replaceAll('-', '+').replaceAll('_', '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}
