/*
 * What camera-scanner.test.ts puts in its page: the camera scan and the app's QR decoder, as the
 * apps bundle them.
 */
export { startCameraScan } from '../../shared/web/camera-scanner.js';
export { createQrDecoder } from '../../shared/web/qr-decoder.js';
