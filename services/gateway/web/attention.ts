import type { ClientAlert } from '@herald/contracts';
import { plainText } from './sanitize';

/**
 * Getting the user's attention beyond the page itself: a system notification while the tab is hidden, and a tone
 * for full-screen alerts (WebAudio, so no audio file and no media-src in the CSP).
 */
export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

export function notifyIfHidden(alert: ClientAlert, onClick: () => void): void {
  if (!notificationsSupported() || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  const n = new Notification(alert.title, { body: plainText(alert.body).slice(0, 300), tag: alert.occurrenceId, requireInteraction: alert.severity === 'critical', icon: '/icon.svg' });
  n.onclick = () => {
    window.focus();
    onClick();
    n.close();
  };
}

let audio: AudioContext | undefined;

/** Three rising beeps. Browsers may refuse sound before the user interacted with the page: reported, not thrown. */
export async function playAlarm(): Promise<'played' | 'blocked'> {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') await Promise.race([audio.resume(), new Promise((r) => setTimeout(r, 200))]);
    if (audio.state !== 'running') return 'blocked';
    const start = audio.currentTime;
    [660, 880, 1_100].forEach((freq, i) => {
      const osc = audio!.createOscillator();
      const gain = audio!.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.2, start + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.35 + 0.3);
      osc.connect(gain).connect(audio!.destination);
      osc.start(start + i * 0.35);
      osc.stop(start + i * 0.35 + 0.3);
    });
    return 'played';
  } catch {
    return 'blocked';
  }
}
