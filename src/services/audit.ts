import type { ConsolePage } from '../data/console-page.ts';
import type { Clock } from '../clock.ts';
import type { Executor } from '../data/db.ts';
import { type AuditRow, insertAudit, recentAuditRows } from '../data/repositories/audit-log.ts';

/** Writes one staff action to the audit log: who, what, on what, from where, when. */
export async function audit(
  db: Executor,
  clock: Clock,
  entry: { staffId: number; action: string; subject: string; address: string; detail?: Record<string, unknown> },
): Promise<void> {
  await insertAudit(db, {
    staff_id: entry.staffId,
    action: entry.action,
    subject: entry.subject,
    detail: JSON.stringify(entry.detail ?? {}),
    address: entry.address,
    at: clock.now().getTime(),
  });
}

/** The newest audit entries with the staff member's e-mail. */
export function recentAudit(db: Executor, page: ConsolePage & { subjects?: string[] }): Promise<Array<AuditRow & { email: string }>> {
  return recentAuditRows(db, page);
}
