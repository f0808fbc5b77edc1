/** A directory person as the board shows them; every field but the id is optional (the directory may lack it). */
export interface BoardPerson {
  userId: string;
  displayName?: string;
  mail?: string;
  department?: string;
  location?: string;
  phone?: string;
  manager?: { displayName?: string; mail?: string; phone?: string };
}

/** `GET /api/alerts/:id/summary` as the board reads it (services/composer/src/accountability/summarize.ts). */
export interface BoardSummary {
  alertId: string;
  recipients: number;
  byState: Record<string, number>;
  byResponse: { id: string; label: string; count: number }[];
  unanswered: (BoardPerson & { state: string; escalation?: { at: string; channel: string; state: string } })[];
  needHelp?: (BoardPerson & { respondedAt: string | null; comment?: string })[];
  allClearAt: string | null;
}

/** `GET /api/alerts/:id` (and each item of `GET /api/alerts`), the fields the board uses. */
export interface BoardAlert {
  id: string;
  title: string;
  severity: string;
  status: string;
  sentAt: string | null;
  createdAt: string;
  allClearAt?: string | null;
}
