import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useQrReaderWasm } from '../qr-reader.js';

/** The reader's WebAssembly as the zxing-wasm package installs it (node_modules). */
export const QR_READER_WASM_PATH = createRequire(import.meta.url).resolve(
  'zxing-wasm/reader/zxing_reader.wasm',
);

/** Loads the QR reader (shared/qr-reader.ts) from node_modules, never from the network. */
export async function useInstalledQrReader(): Promise<void> {
  await useQrReaderWasm({ bytes: await readFile(QR_READER_WASM_PATH) });
}
