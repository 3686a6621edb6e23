import type { ConsolePage } from '../console-page.ts';
import type { Executor } from '../db.ts';

export interface AuditRow {
  id: number;
  staff_id: number;
  action: string;
  subject: string;
  detail: string;
  address: string;
  at: number;
}

export async function insertAudit(db: Executor, row: Omit<AuditRow, 'id'>): Promise<void> {
  await db('audit_log').insert(row);
}

/** The newest audit entries with the staff member's e-mail. */
/** Staff actions, newest first: one page before a keyset (`after` is the last id shown), optionally about one subject. */
export function recentAuditRows(db: Executor, page: ConsolePage & { subjects?: string[] }) {
  const q = db('audit_log').join('staff', 'staff.id', 'audit_log.staff_id');
  if (page.after !== null) q.where('audit_log.id', '<', page.after);
  if (page.subjects) q.whereIn('audit_log.subject', page.subjects);
  return q.orderBy('audit_log.id', 'desc').limit(page.limit).select<Array<AuditRow & { email: string }>>('audit_log.*', 'staff.email');
}
