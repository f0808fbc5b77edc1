import sanitizeHtml from 'sanitize-html';
import { Person } from '@herald/contracts';

/** One e-mail, in the two forms every client can show: plain text, and HTML made from sanitised parts only. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** What an escalation e-mail says about the alert. `body` is the alert's (already sanitised) HTML. */
export interface AlertFacts {
  title: string;
  body: string;
  severity: string;
  sentAt: string;
  /** Where to answer (PUBLIC_URL); absent when the server does not know its public address. */
  link?: string;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Subjects are one line: a title cannot inject headers (nodemailer encodes, this keeps it readable too). */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').trim();

/** The alert body for an e-mail: no images (remote loads track the reader), no data URLs, only plain links. */
export function mailBodyHtml(body: string): string {
  return sanitizeHtml(body, {
    allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'u', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'blockquote', 'code'],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['https', 'http', 'mailto'],
    allowProtocolRelative: false,
  });
}

/** The alert body as plain text: block ends become line breaks, tags go, entities are decoded once. */
export function mailBodyText(body: string): string {
  const blocks = body.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|li|h3|h4|blockquote)>/gi, '\n');
  const text = sanitizeHtml(blocks, { allowedTags: [], allowedAttributes: {} });
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i, all) => l || (i > 0 && all[i - 1]))
    .join('\n')
    .trim();
}

const page = (inner: string): string => `<!doctype html><html><body style="font-family:sans-serif">${inner}</body></html>`;
const linkHtml = (link?: string) => (link ? `<p><a href="${escape(link)}">Open Herald to answer</a></p>` : '');
const linkText = (link?: string) => (link ? `\nOpen Herald to answer: ${link}\n` : '');

/** To a recipient who has not answered: the alert again, and how to answer. */
export function recipientMail(alert: AlertFacts, person: Pick<Person, 'displayName'>): MailContent {
  const subject = `[${alert.severity.toUpperCase()}] ${oneLine(alert.title)}: your answer is needed`;
  const text = [`${person.displayName},`, '', `You have not answered this ${alert.severity} alert sent at ${alert.sentAt}:`, '', oneLine(alert.title), '', mailBodyText(alert.body), linkText(alert.link)].join('\n');
  const html = page(
    `<p>${escape(person.displayName)},</p><p>You have not answered this ${escape(alert.severity)} alert sent at ${escape(alert.sentAt)}:</p>` +
      `<h2>${escape(oneLine(alert.title))}</h2>${mailBodyHtml(alert.body)}${linkHtml(alert.link)}`,
  );
  return { subject, text, html };
}

/** How to reach a report: mail and phone first, then where they work; each on one line (directory values are free text). */
const contact = (p: Person): string => [p.mail, p.phone, p.department, p.location].filter((v): v is string => !!v).map(oneLine).join(', ');

/** To a manager: one message listing every report of theirs who has not answered, with how to reach them. */
export function managerDigest(alert: AlertFacts, manager: Pick<Person, 'displayName'>, reports: Person[]): MailContent {
  const sorted = [...reports].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const subject = `[${alert.severity.toUpperCase()}] ${oneLine(alert.title)}: ${sorted.length} of your reports have not answered`;
  const lines = sorted.map((p) => `- ${p.displayName} (${p.id})${contact(p) ? `: ${contact(p)}` : ''}`);
  const text = [`${manager.displayName},`, '', `These people who report to you have not answered the ${alert.severity} alert "${oneLine(alert.title)}" sent at ${alert.sentAt}. Please check on them:`, '', ...lines, '', '---', mailBodyText(alert.body), linkText(alert.link)].join('\n');
  const items = sorted.map((p) => `<li>${escape(p.displayName)} (${escape(p.id)})${contact(p) ? `: ${escape(contact(p))}` : ''}</li>`).join('');
  const html = page(
    `<p>${escape(manager.displayName)},</p><p>These people who report to you have not answered the ${escape(alert.severity)} alert <b>${escape(oneLine(alert.title))}</b> sent at ${escape(alert.sentAt)}. Please check on them:</p>` +
      `<ul>${items}</ul><hr>${mailBodyHtml(alert.body)}${linkHtml(alert.link)}`,
  );
  return { subject, text, html };
}
