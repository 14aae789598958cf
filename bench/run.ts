/*
 * npm run bench: speed as ratios against a baseline measured in the same process, in
 * alternating rounds (the machine is shared and noisy: a ratio of medians holds up, a time does
 * not). Prints a table per section and, last, one JSON line with every figure.
 */
import { batchVerify } from './batch-verify.js';
import { credentialCore } from './credential-core.js';
import { httpBench } from './http.js';
import { issuance } from './issuance.js';
import { presentationSizes, sizeLines } from './presentation-sizes.js';
import { qrDecode } from './qr-decode.js';
import { registryImport } from './registry-import.js';
import { statusListSize } from './status-list-size.js';
import { verifyStages } from './verify-stages.js';

const figures: Record<string, unknown> = {};
figures.credential_core = await credentialCore();
figures.verify_stages = await verifyStages();
figures.batch_verify = await batchVerify();

console.log('Status list');
const size = await statusListSize();
console.log(
  `  ${size.entries} entries, ${size.not_valid} not valid: token ${size.token_bytes} bytes, compressed list ${size.compressed_list_bytes} bytes (target ≤ 30 000)`,
);
figures.status_list = size;

console.log('QR sizes of the reference presentations (FORMAT.md §4.4, §8.10)');
const sizes = await presentationSizes();
for (const line of sizeLines(sizes)) console.log(line);
figures.presentation_sizes = sizes;

figures.qr_decode = await qrDecode();
figures.issuance = await issuance();
figures.registry_import = await registryImport();
figures.http = await httpBench();

console.log(JSON.stringify(figures));
