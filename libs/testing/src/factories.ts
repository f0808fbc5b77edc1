/** A valid alert creation request; override any field. */
export function newAlert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: 'Fire drill at 15:00', body: '<p>Please leave by the <b>nearest exit</b>.</p>', severity: 'warning', audience: { users: [], groups: ['engineering'] }, ...overrides };
}

/** The demo directory's people (deploy/demo-directory.ldif); every password is "herald". */
export const DEMO = {
  password: 'herald',
  admin: 'carol',
  engineering: ['alice', 'bob', 'erin'],
  allStaff: ['alice', 'bob', 'dave', 'erin'],
  outsider: 'dave',
  /** author scoped to engineering in single-node mode; crisis sender; read-only auditor. */
  author: 'frank',
  crisis: 'grace',
  auditor: 'heidi',
};
