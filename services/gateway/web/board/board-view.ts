import { byId, el } from '../dom';
import { BoardStrings, fill } from './strings';
import type { BoardPerson, BoardSummary } from './summary';

/** The delivery states the board counts, in the order a delivery moves through them. */
const STATES = ['targeted', 'sent', 'delivered', 'displayed', 'acknowledged', 'responded', 'expired', 'recalled'] as const;

interface Column<R> {
  key: keyof BoardStrings;
  /** The cell's text; empty or undefined leaves the cell blank (and a column blank in every row is left out). */
  value(row: R): string | undefined;
  /** A node built from text (a link), for a cell that has a value; the text itself otherwise. Never markup. */
  render?(row: R): Node;
}

/** Rows of the not-answered table drawn at first: enough for a wall, cheap to redraw every second at 10,000 people. */
const FIRST_ROWS = 200;

type Open = BoardSummary['unanswered'][number];
type Help = NonNullable<BoardSummary['needHelp']>[number];

/**
 * Renders an alert's accountability summary: progress, counts by answer and by delivery state, who needs help
 * (first, highlighted) and who has not answered, with whom to call. Every value from the directory or the sender
 * is set as text; a column no row has a value for (e.g. phone, where the directory holds none) is left out.
 */
export class BoardView {
  private showAll = false;
  private last?: BoardSummary;

  constructor(private readonly s: BoardStrings, private readonly locale: string) {
    byId('open-more').onclick = () => {
      this.showAll = true;
      if (this.last) this.render(this.last);
    };
  }

  render(summary: BoardSummary): void {
    this.last = summary;
    const help = summary.needHelp ?? [];
    const answered = summary.recipients - summary.unanswered.length;
    const counts = { answered, recipients: summary.recipients, help: help.length, open: summary.unanswered.length };
    const progress = byId<HTMLProgressElement>('progress');
    progress.max = Math.max(summary.recipients, 1);
    progress.value = answered;
    byId('progress-text').textContent = fill(this.s.progress, counts);
    // One sentence for screen readers, only re-announced when a number changes (the stream sends changes only).
    const sentence = fill(this.s.liveSummary, counts);
    if (byId('live-summary').textContent !== sentence) byId('live-summary').textContent = sentence;

    byId('by-answer').replaceChildren(...summary.byResponse.map((r) => this.count(r.label, r.count, `answer-${r.id}`, r.id === 'help')), this.count(this.s.notAnswered, summary.unanswered.length, 'answer-none', false));
    byId('by-state').replaceChildren(...STATES.map((st) => this.count(this.s[`state_${st}`], summary.byState[st] ?? 0, `state-${st}`, false)));

    byId('help-count').textContent = String(help.length);
    byId('open-count').textContent = String(summary.unanswered.length);
    this.table('help', help, this.helpColumns(), this.s.noneNeedHelp, help.length);
    const shown = this.showAll ? summary.unanswered.length : Math.min(FIRST_ROWS, summary.unanswered.length);
    this.table('open', summary.unanswered, this.openColumns(), this.s.everyoneAnswered, shown);
    const more = byId('open-more');
    more.hidden = shown === summary.unanswered.length;
    more.textContent = fill(this.s.showAll, { count: summary.unanswered.length });
  }

  private count(label: string, n: number, key: string, alarm: boolean): HTMLElement {
    const box = el('div', alarm && n > 0 ? 'count alarm' : 'count');
    box.dataset.count = key;
    box.append(el('dt', undefined, label), el('dd', undefined, String(n)));
    return box;
  }

  /** Draws the first `limit` rows; a column is kept when any row, drawn or not, has a value for it. */
  private table<R extends BoardPerson>(id: 'help' | 'open', rows: R[], all: Column<R>[], empty: string, limit: number): void {
    const columns = all.filter((c, i) => i === 0 || rows.some((r) => !!c.value(r)));
    const head = el('tr');
    head.append(...columns.map((c) => Object.assign(el('th', undefined, this.s[c.key]), { scope: 'col' })));
    const body = rows.slice(0, limit).map((r) => {
      const tr = el('tr');
      tr.dataset.user = r.userId;
      columns.forEach((c, i) => {
        const cell = el(i === 0 ? 'th' : 'td');
        if (i === 0) cell.scope = 'row';
        const v = c.value(r);
        if (v) cell.append(c.render ? c.render(r) : v);
        tr.append(cell);
      });
      return tr;
    });
    const table = byId<HTMLTableElement>(`${id}-table`);
    table.tHead!.replaceChildren(head);
    table.tBodies[0].replaceChildren(...body);
    table.hidden = rows.length === 0;
    const note = byId(`${id}-empty`);
    note.textContent = empty;
    note.hidden = rows.length > 0;
  }

  private person<R extends BoardPerson>(): Column<R>[] {
    return [
      { key: 'colDepartment', value: (r) => r.department },
      { key: 'colLocation', value: (r) => r.location },
      { key: 'colPhone', value: (r) => r.phone, render: (r) => phoneLink(r.phone!) },
      { key: 'colMail', value: (r) => r.mail, render: (r) => mailLink(r.mail!) },
      { key: 'colManager', value: (r) => r.manager?.displayName, render: (r) => this.manager(r.manager!) },
    ];
  }

  private helpColumns(): Column<Help>[] {
    return [
      { key: 'colName', value: (r) => r.displayName || r.userId },
      { key: 'colComment', value: (r) => r.comment },
      ...this.person<Help>(),
      { key: 'colAnsweredAt', value: (r) => (r.respondedAt ? this.time(r.respondedAt) : undefined) },
    ];
  }

  private openColumns(): Column<Open>[] {
    return [
      { key: 'colName', value: (r) => r.displayName || r.userId },
      ...this.person<Open>(),
      { key: 'colState', value: (r) => this.s[`state_${r.state}` as keyof BoardStrings] ?? r.state },
      { key: 'colEscalation', value: (r) => (r.escalation ? this.escalation(r.escalation) : undefined) },
    ];
  }

  private manager(m: NonNullable<BoardPerson['manager']>): Node {
    const box = el('span', 'manager', m.displayName);
    if (m.phone) box.append(el('br'), phoneLink(m.phone));
    if (m.mail) box.append(el('br'), mailLink(m.mail));
    return box;
  }

  private escalation(e: NonNullable<Open['escalation']>): string {
    const channel = this.s[`escalation_${e.channel}` as keyof BoardStrings] ?? e.channel;
    const state = this.s[`escalation_${e.state}` as keyof BoardStrings] ?? e.state;
    return `${channel} · ${state} · ${this.time(e.at)}`;
  }

  private time(iso: string): string {
    return new Date(iso).toLocaleTimeString(this.locale, { hour: '2-digit', minute: '2-digit' });
  }
}

function mailLink(mail: string): Node {
  const a = el('a', undefined, mail);
  a.href = `mailto:${encodeURIComponent(mail).replace(/%40/g, '@')}`;
  return a;
}

/** A tel: link whose target keeps only dialable characters, whatever the directory holds; the text shows it as written. */
function phoneLink(phone: string): Node {
  const a = el('a', undefined, phone);
  a.href = `tel:${phone.replace(/[^0-9+*#]/g, '')}`;
  return a;
}
