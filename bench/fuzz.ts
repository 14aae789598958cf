/**
 * `npm run fuzz`: the verifier fuzz (test/fuzz/fuzz-presentations.ts), 1 000 000 inputs by default.
 *
 *   npm run fuzz -- [--count N] [--seed S]     a run; a random seed unless given, printed first
 *   npm run fuzz -- --seed S --index I         replays input I of seed S: its text and reports
 *
 * Prints the seed, progress every 100 000 inputs, then the counts: crashes (an exception out of
 * verifyPresentation), internal errors, reports the format does not allow, disagreements between
 * the backends, second texts; each finding kept with its input and the command that replays it.
 * Exit status 1 when anything was found, 2 on bad arguments.
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createFuzzer, runFuzz, type FuzzFinding } from '../test/fuzz/fuzz-presentations.js';
import { referenceLicences } from '../test/helpers/presentation-kit.js';

const DEFAULT_COUNT = 1_000_000;

function integer(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,16}$/.test(value) || Number(value) > max) {
    console.error(`fuzz: ${name}: expected an integer 0-${max}, found ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return Number(value);
}

const { values } = parseArgs({
  options: { count: { type: 'string' }, seed: { type: 'string' }, index: { type: 'string' } },
});
const seed = integer(values.seed, '--seed', randomInt(2 ** 32 - 1), 0xffffffff);
const count = integer(values.count, '--count', DEFAULT_COUNT, Number.MAX_SAFE_INTEGER);
const licences = referenceLicences();
const replay = (index: number) => `npm run fuzz -- --seed ${seed} --index ${index}`;

if (values.index !== undefined) {
  const index = integer(values.index, '--index', 0, Number.MAX_SAFE_INTEGER);
  const fuzzer = await createFuzzer(seed, licences);
  let input = await fuzzer.next();
  while (input.index < index) input = await fuzzer.next();
  const checked = fuzzer.check(input);
  console.log(JSON.stringify({ input, findings: checked.findings.map((f) => f.kind) }, null, 2));
  for (const report of checked.reports) console.log(JSON.stringify(report, null, 2));
  process.exit(checked.findings.length === 0 ? 0 : 1);
}

console.log(`fuzz: seed ${seed}, ${count} inputs, backends node and noble`);
const summary = await runFuzz({
  seed,
  count,
  licences,
  onProgress: (done, counts) => {
    const so = Object.entries(counts).map(([kind, n]) => `${kind} ${n}`);
    console.log(
      `fuzz: ${done} inputs, ${Math.round(performance.now() / 1000)} s: ${so.join(', ')}`,
    );
  },
});
const found = Object.values(summary.counts).reduce((a, b) => a + b, 0);
console.log(
  [
    `fuzz: seed ${summary.seed}: ${summary.inputs} inputs in ${(summary.ms / 1000).toFixed(1)} s`,
    `  crashes ${summary.counts.crash}, internal errors ${summary.counts['internal-error']}, bad reports ${summary.counts['bad-report']}, disagreements ${summary.counts.disagreement}, second texts ${summary.counts['second-text']}`,
    `  claims read (issuer signature passed): ${summary.deep}`,
    `  verdicts: ${Object.entries(summary.verdicts)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(', ')}`,
  ].join('\n'),
);
for (const finding of summary.findings) console.log(describe(finding));
process.exit(found === 0 ? 0 : 1);

function describe(f: FuzzFinding): string {
  return `${JSON.stringify({ kind: f.kind, detail: f.detail, input: f.input })}\n  replay: ${replay(f.input.index)}`;
}
