import type { ClientAlert } from '@herald/contracts';
import { canSnooze, presentationOf, requiresAnswer, responseOptions, severityRank } from '@herald/client-sdk';
import { byId, domId, el } from './dom';
import type { Strings } from './i18n';
import { plainText, sanitize } from './sanitize';

export interface ViewActions {
  acknowledge(occurrenceId: string): void;
  respond(occurrenceId: string, optionId: string): void;
  snooze(occurrenceId: string): void;
}

/**
 * The three presentations: pop-up cards (stacked, newest on top), the scrolling ticker across the top, and the
 * full-screen takeover (one at a time, focus trapped inside, role="alertdialog" with aria-modal).
 */
export class AlertViews {
  private readonly takeoverQueue: ClientAlert[] = [];
  private takeoverShown?: ClientAlert;
  private focusBefore?: Element | null;

  constructor(private readonly s: Strings, private readonly actions: ViewActions) {
    byId('takeover').addEventListener('keydown', (e) => this.trapFocus(e));
  }

  /** Shows the alert in its presentation; returns which one was used. */
  show(alert: ClientAlert): 'popup' | 'ticker' | 'fullscreen' {
    const how = presentationOf(alert);
    if (how === 'ticker') this.addTicker(alert);
    else if (how === 'fullscreen') this.queueTakeover(alert);
    else this.addCard(alert);
    return how;
  }

  /** Removes every trace of the occurrence from the screen (acknowledged here or elsewhere, or recalled). */
  remove(occurrenceId: string): void {
    const sel = `[data-occurrence="${CSS.escape(occurrenceId)}"]`;
    document.querySelectorAll(`#stack > ${sel}, #ticker > ${sel}`).forEach((n) => n.remove());
    this.syncTicker();
    const i = this.takeoverQueue.findIndex((a) => a.occurrenceId === occurrenceId);
    if (i >= 0) this.takeoverQueue.splice(i, 1);
    if (this.takeoverShown?.occurrenceId === occurrenceId) this.closeTakeover();
  }

  /** "All clear": the emergency left the screen; say so, in a card that only needs closing (it is no alert, no receipt). */
  allClear(title: string): void {
    const card = el('section', 'card info all-clear');
    card.setAttribute('role', 'status');
    const close = el('button', 'ack', this.s.dismiss);
    close.type = 'button';
    close.addEventListener('click', () => card.remove());
    card.append(el('h2', undefined, this.s.allClear), el('div', 'body', `${this.s.allClearBody} ${title}`), close);
    byId('stack').append(card);
  }

  private severityLabel(alert: ClientAlert): HTMLElement {
    const key = `severity_${alert.severity}` as keyof Strings;
    return el('div', 'sev', this.s[key] ?? alert.severity);
  }

  private buttons(alert: ClientAlert): HTMLElement {
    const row = el('div', 'actions');
    for (const opt of responseOptions(alert)) {
      const b = el('button', 'response', opt.label);
      b.type = 'button';
      b.dataset.option = opt.id;
      b.addEventListener('click', () => this.actions.respond(alert.occurrenceId, opt.id));
      row.append(b);
    }
    // An alert that must be answered has no way out but its answers.
    if (requiresAnswer(alert)) return row;
    const ack = el('button', 'ack', this.s.acknowledge);
    ack.type = 'button';
    ack.addEventListener('click', () => this.actions.acknowledge(alert.occurrenceId));
    row.append(ack);
    if (canSnooze(alert)) {
      const later = el('button', 'snooze', this.s.snooze);
      later.type = 'button';
      later.addEventListener('click', () => this.actions.snooze(alert.occurrenceId));
      row.append(later);
    }
    return row;
  }

  private addCard(alert: ClientAlert): void {
    const id = domId(alert.occurrenceId);
    const card = el('section', `card ${alert.severity}`);
    card.setAttribute('role', 'alertdialog');
    card.setAttribute('aria-labelledby', `h-${id}`);
    card.setAttribute('aria-describedby', `b-${id}`);
    card.dataset.occurrence = alert.occurrenceId;
    const h = el('h2', undefined, alert.title);
    h.id = `h-${id}`;
    const body = el('div', 'body');
    body.id = `b-${id}`;
    body.append(sanitize(alert.body));
    card.append(this.severityLabel(alert), h, body, this.buttons(alert));
    byId('stack').append(card); // the stack is column-reverse: the last child is on top
    if (alert.severity === 'critical') card.querySelector<HTMLButtonElement>('button.ack, button.response')?.focus();
  }

  private addTicker(alert: ClientAlert): void {
    const item = el('div', `tick ${alert.severity}`);
    item.dataset.occurrence = alert.occurrenceId;
    item.setAttribute('role', 'group');
    item.setAttribute('aria-label', alert.title);
    const text = el('span', 'text');
    text.append(el('strong', undefined, alert.title), document.createTextNode(` — ${plainText(alert.body)}`));
    const ack = el('button', 'ack', this.s.acknowledge);
    ack.type = 'button';
    ack.addEventListener('click', () => this.actions.acknowledge(alert.occurrenceId));
    // The text scrolls; the button stays put beside it so it can be reached and clicked.
    const lane = el('div', 'lane');
    lane.append(text);
    item.append(this.severityLabel(alert), lane, ack);
    byId('ticker').append(item);
    this.syncTicker();
  }

  private syncTicker(): void {
    const ticker = byId('ticker');
    ticker.hidden = ticker.children.length === 0;
    document.body.classList.toggle('has-ticker', !ticker.hidden);
  }

  /**
   * Takeovers wait in order of severity, then arrival. An emergency arriving while a lesser takeover is shown pushes
   * that one back into the queue and takes the screen at once: nothing is shown above an emergency.
   */
  private queueTakeover(alert: ClientAlert): void {
    this.takeoverQueue.push(alert);
    this.takeoverQueue.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    const shown = this.takeoverShown;
    if (shown && severityRank(alert.severity) > severityRank(shown.severity)) {
      this.takeoverQueue.unshift(shown);
      this.takeoverQueue.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
      this.takeoverShown = undefined;
    }
    if (!this.takeoverShown) this.nextTakeover();
  }

  private nextTakeover(): void {
    const alert = this.takeoverQueue.shift();
    const box = byId('takeover');
    if (!alert) return;
    this.takeoverShown = alert;
    this.focusBefore ??= document.activeElement;
    const id = domId(alert.occurrenceId);
    const panel = el('div', `panel ${alert.severity}`);
    panel.dataset.occurrence = alert.occurrenceId;
    const h = el('h2', undefined, alert.title);
    h.id = `t-${id}`;
    h.tabIndex = -1;
    const body = el('div', 'body');
    body.id = `tb-${id}`;
    body.append(sanitize(alert.body));
    panel.append(this.severityLabel(alert), h, body, this.buttons(alert));
    box.replaceChildren(panel);
    box.setAttribute('aria-labelledby', h.id);
    box.setAttribute('aria-describedby', body.id);
    box.hidden = false;
    document.body.classList.add('taken-over');
    h.focus();
  }

  private closeTakeover(): void {
    this.takeoverShown = undefined;
    const box = byId('takeover');
    box.hidden = true;
    box.replaceChildren();
    document.body.classList.remove('taken-over');
    if (this.takeoverQueue.length) return this.nextTakeover();
    (this.focusBefore as HTMLElement | null | undefined)?.focus?.();
    this.focusBefore = undefined;
  }

  /** Tab and Shift+Tab cycle inside the takeover: nothing behind it is reachable until it is acknowledged. */
  private trapFocus(e: KeyboardEvent): void {
    if (e.key !== 'Tab') return;
    const focusables = Array.from(byId('takeover').querySelectorAll<HTMLElement>('a[href], button, h2[tabindex]'));
    if (!focusables.length) return;
    const first = focusables[0];
    const last = focusables[focusables.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }
}
