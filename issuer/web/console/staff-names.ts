/** The usernames of staff by id, for saying who acted: loaded once an admin's screen needs them. */
import { staffList } from './admin-api.js';
import { state } from './frame.js';

/** Loads the usernames into the console's state, unless they are there; never rejects. */
export async function loadStaffNames(): Promise<void> {
  if (state.staffNames.size > 0) return;
  try {
    const { staff } = await staffList();
    state.staffNames = new Map(staff.map((s) => [s.id, s.username]));
  } catch {
    // Who acted is then said by staff number: nothing else depends on it.
  }
}
