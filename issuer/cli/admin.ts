import { EXIT, parse, UsageError, write, type Command } from '../../shared/cli/command.js';
import { STAFF_ROLES, type StaffRole } from '../accounts/replies.js';
import { createStaff } from '../accounts/staff.js';
import { ServiceError } from '../service-error.js';
import { serviceConfig, withDatabase } from './service-config.js';

const USAGE = 'liangzheng admin create --username NAME [--role admin|reviewer (admin)]';
const OPTIONS = { username: { type: 'string' }, role: { type: 'string' } } as const;

/**
 * `liangzheng admin create`: a staff account in the service's database, configured from the
 * environment exactly as the service is (DATA_DIR or DATABASE_URL, …). Prints the username and
 * the generated password, once. This is how the first admin is made.
 */
export const adminCommand: Command = {
  name: 'admin',
  usage: USAGE,
  summary:
    "create a staff account in the service's database (configured by the environment, as the service is); prints its password once",
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    if (positionals.length !== 1 || positionals[0] !== 'create')
      throw new UsageError('expected the subcommand create and no other argument');
    if (values.username === undefined) throw new UsageError('expected --username NAME');
    const role = values.role ?? 'admin';
    if (!isStaffRole(role))
      throw new UsageError(
        `--role: expected ${STAFF_ROLES.join(' or ')}, found ${JSON.stringify(role)}`,
      );
    const username = values.username;
    const now = Math.floor(io.now().getTime() / 1000);
    const created = await withDatabase(serviceConfig(), (db) =>
      createStaff(db, { username, role }, now, 'cli'),
    ).catch((error: unknown) => {
      // A taken or malformed username: the one-line answer of a usage error, exit 2.
      if (error instanceof ServiceError && error.status < 500) throw new UsageError(error.message);
      throw error;
    });
    await write(
      io.stdout,
      `username ${created.username}\nrole ${created.role}\npassword ${created.password}\n`,
    );
    return EXIT.VALID;
  },
};

function isStaffRole(role: string): role is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(role);
}
