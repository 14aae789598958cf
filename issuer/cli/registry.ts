import { extname } from 'node:path';
import {
  EXIT,
  parse,
  readFileBytes,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { ServiceError } from '../service-error.js';
import { ImportInvalidError, lineUnit, type ImportFormat } from '../registry/import-errors.js';
import { importLicences, MAX_IMPORT_BYTES } from '../registry/import-licences.js';
import { serviceConfig, withService } from './service-config.js';

const USAGE =
  'liangzheng registry import FILE.json|FILE.csv   (database and keys as the service: DATA_DIR, DATABASE_URL, …)';

/**
 * `liangzheng registry import FILE`: imports a registry file (format from the extension, .json or
 * .csv; see importLicences) into the service's database, all or nothing. Exit 0 with a summary;
 * exit 2 with every bad row on stderr, one a line (`FILE: line 3: points: expected …, found …`),
 * and nothing applied; exit 2 too, with every problem of the file, when the service's working
 * calendar file is bad (as the service prints them when it refuses to start).
 */
export const registryCommand: Command = {
  name: 'registry',
  usage: USAGE,
  summary:
    'import licence records (JSON or CSV) into the registry: every row checked, all or nothing',
  async run(args, io) {
    const { positionals } = parse(args, {});
    const [sub, file, ...rest] = positionals;
    if (sub !== 'import' || file === undefined || rest.length > 0)
      throw new UsageError('expected: registry import FILE');
    const format = formatOf(file);
    const bytes = await readFileBytes(file);
    if (bytes.byteLength > MAX_IMPORT_BYTES)
      throw new UsageError(
        `${file}: expected at most ${MAX_IMPORT_BYTES} bytes, found ${bytes.byteLength}`,
      );
    return withService(serviceConfig(), io, async (deps) => {
      try {
        const summary = await importLicences(deps, { format, text: bytes, actor: 'cli' });
        await write(
          io.stdout,
          `${file}: ${summary.inserted} inserted, ${summary.updated} updated, ${summary.unchanged} unchanged\n`,
        );
        return EXIT.VALID;
      } catch (error) {
        if (error instanceof ImportInvalidError) {
          const unit = lineUnit(error.format);
          for (const e of error.errors)
            await write(
              io.stderr,
              `${file}: ${unit} ${e.line}: ${e.field}: expected ${e.expected}, found ${e.found}\n`,
            );
          await write(io.stderr, `${file}: ${error.message}\n`);
          return EXIT.USAGE;
        }
        if (error instanceof ServiceError) throw new UsageError(`${file}: ${error.message}`);
        throw error;
      }
    });
  },
};

function formatOf(file: string): ImportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  throw new UsageError(
    `${file}: expected a .json or .csv file, found ${ext === '' ? 'no extension' : JSON.stringify(ext)}`,
  );
}
