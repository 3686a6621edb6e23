import type { Clock } from '../clock.ts';
import type { Executor } from '../data/db.ts';

export interface AuditRow {
  id: number;
  staff_id: number;
  action: string;
  subject: string;
  detail: string;
  address: string;
  at: number;
}

/** Writes one staff action to the audit log: who, what, on what, from where, when. */
export async function audit(
  db: Executor,
  clock: Clock,
  entry: { staffId: number; action: string; subject: string; address: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db('audit_log').insert({
    staff_id: entry.staffId,
    action: entry.action,
    subject: entry.subject,
    detail: JSON.stringify(entry.detail ?? {}),
    address: entry.address,
    at: clock.now().getTime(),
  });
}

/** The newest audit entries with the staff member's e-mail. */
export function recentAudit(db: Executor, limit = 200): Promise<Array<AuditRow & { email: string }>> {
  return db('audit_log')
    .join('staff', 'staff.id', 'audit_log.staff_id')
    .select('audit_log.*', 'staff.email')
    .orderBy('audit_log.id', 'desc')
    .limit(limit);
}
