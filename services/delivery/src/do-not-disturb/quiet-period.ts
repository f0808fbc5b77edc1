import { DateTime } from 'luxon';
import { DoNotDisturb, QuietHours, WEEKDAYS } from '@herald/contracts';

/** An `until` and the window it ends in (windows never touch each other: `from` differs from `to`). */
const MAX_LINKS = 4;

/**
 * When the do-not-disturb period covering `now` ends, or null when `now` is outside every period. An `until`
 * ending inside quiet hours runs to their end, and quiet hours ending before `until` run to it.
 * Quiet hours are wall-clock times in their zone (luxon), so they follow DST: 18:00–08:00 is 14 hours on the
 * night clocks change, not 13 or 15.
 */
export function quietPeriodEnd(s: DoNotDisturb, now: Date): Date | null {
  let end = now.getTime();
  for (let i = 0; i < MAX_LINKS; i++) {
    const next = Math.max(s.until ? Date.parse(s.until) : 0, s.quietHours ? (windowEndAt(s.quietHours, end) ?? 0) : 0);
    if (next <= end) break;
    end = next;
  }
  return end > now.getTime() ? new Date(end) : null;
}

/** The end of the quiet-hours window that contains instant `t` (start inclusive, end exclusive), if one does. */
function windowEndAt(q: QuietHours, t: number): number | null {
  const local = DateTime.fromMillis(t, { zone: q.timezone });
  const [fh, fm] = q.from.split(':').map(Number);
  const [th, tm] = q.to.split(':').map(Number);
  const overnight = q.to < q.from;
  // A window containing t started today or (overnight) yesterday, local time.
  for (const back of [0, 1]) {
    const day = local.minus({ days: back }).startOf('day');
    if (!q.days.includes(WEEKDAYS[day.weekday - 1])) continue;
    const start = day.set({ hour: fh, minute: fm }).toMillis();
    const end = (overnight ? day.plus({ days: 1 }) : day).set({ hour: th, minute: tm }).toMillis();
    if (start <= t && t < end) return end;
  }
  return null;
}
