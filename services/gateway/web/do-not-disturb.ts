import type { DoNotDisturb, DoNotDisturbView, Weekday } from '@herald/contracts';
import { byId, el } from './dom';
import type { Strings } from './i18n';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const PATH = '/api/me/do-not-disturb';

type Api = (path: string, init: RequestInit) => Promise<Response>;

/**
 * The "Do not disturb" settings on the home page: pause for a while and/or quiet hours on chosen days, in this
 * browser's time zone. The server holds info/warning alerts while it applies; critical ones always come through.
 */
export class DoNotDisturbControl {
  private readonly zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  constructor(private readonly s: Strings, private readonly locale: string, private readonly api: Api) {
    const days = byId('dnd-days');
    // 2024-01-01 was a Monday: day names in the reader's language, Monday first.
    const name = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
    days.replaceChildren(
      ...WEEKDAYS.map((d, i) => {
        const box = el('input');
        box.type = 'checkbox';
        box.value = d;
        box.checked = WORKDAYS.includes(d);
        const label = el('label');
        label.append(box, ` ${name.format(new Date(Date.UTC(2024, 0, 1 + i)))}`);
        return label;
      }),
    );
    byId('dnd-form').onsubmit = (e) => {
      e.preventDefault();
      void this.save();
    };
  }

  /** Reads the user's settings into the form. */
  async load(): Promise<void> {
    const res = await this.api(PATH, { method: 'GET' }).catch(() => undefined);
    if (res?.ok) this.show((await res.json()) as DoNotDisturbView);
  }

  private async save(): Promise<void> {
    const message = byId('dnd-message');
    message.className = '';
    message.textContent = '';
    const res = await this.api(PATH, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.read()) }).catch(() => undefined);
    const body = (await res?.json().catch(() => ({}))) as DoNotDisturbView & { message?: string };
    if (!res?.ok) {
      message.className = 'error';
      message.textContent = body.message ?? this.s.statusOffline;
      return;
    }
    this.show(body);
    message.textContent = this.s.dndSaved;
  }

  private read(): DoNotDisturb {
    const choice = byId<HTMLSelectElement>('dnd-until').value;
    const quiet = byId<HTMLInputElement>('dnd-quiet').checked;
    const days = Array.from(document.querySelectorAll<HTMLInputElement>('#dnd-days input:checked')).map((b) => b.value as Weekday);
    return {
      until: untilOf(choice, byId<HTMLSelectElement>('dnd-until').selectedOptions[0]?.dataset.until),
      quietHours: quiet ? { days, from: byId<HTMLInputElement>('dnd-from').value, to: byId<HTMLInputElement>('dnd-to').value, timezone: this.zone } : null,
    };
  }

  private show(v: DoNotDisturbView): void {
    const time = (iso: string) => new Date(iso).toLocaleString(this.locale, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
    byId('dnd-state').textContent = v.active && v.activeUntil ? `${this.s.dndStateOn} ${time(v.activeUntil)}` : v.quietHours ? this.s.dndStateScheduled : this.s.dndStateOff;
    const select = byId<HTMLSelectElement>('dnd-until');
    select.querySelector('option[value=keep]')?.remove();
    if (v.until) {
      // The pause already set stays unless the user picks another.
      const keep = el('option', undefined, `${this.s.dndKeep} ${time(v.until)}`);
      keep.value = 'keep';
      keep.dataset.until = v.until;
      select.append(keep);
      select.value = 'keep';
    } else select.value = '';
    byId<HTMLInputElement>('dnd-quiet').checked = !!v.quietHours;
    if (!v.quietHours) return;
    byId<HTMLInputElement>('dnd-from').value = v.quietHours.from;
    byId<HTMLInputElement>('dnd-to').value = v.quietHours.to;
    document.querySelectorAll<HTMLInputElement>('#dnd-days input').forEach((b) => (b.checked = v.quietHours!.days.includes(b.value as Weekday)));
  }
}

/** The end of a pause picked in the list: minutes from now, tomorrow 08:00 local, the one already set, or none. */
function untilOf(choice: string, kept: string | undefined, now = new Date()): string | null {
  if (choice === 'keep') return kept ?? null;
  if (choice === 'tomorrow') {
    const t = new Date(now);
    t.setDate(t.getDate() + 1);
    t.setHours(8, 0, 0, 0);
    return t.toISOString();
  }
  return choice ? new Date(now.getTime() + Number(choice) * 60_000).toISOString() : null;
}
