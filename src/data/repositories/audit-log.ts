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
export function recentAuditRows(db: Executor, limit: number): Promise<Array<AuditRow & { email: string }>> {
  return db('audit_log').join('staff', 'staff.id', 'audit_log.staff_id').select('audit_log.*', 'staff.email').orderBy('audit_log.id', 'desc').limit(limit);
}
