import { spawn } from 'node:child_process';
import notifier from 'node-notifier';
import type { Severity } from '@herald/contracts';

/** One native notification. */
export interface DesktopNotification {
  occurrenceId: string;
  title: string;
  message: string;
  severity: Severity;
}

/** The OS notification boundary (replaced by a recorder in the agent's test). */
export interface Notifier {
  notify(n: DesktopNotification, onClick: () => void): void;
}

/** Opens a URL in the user's browser (the full-screen page, the web client on click). */
export interface Opener {
  open(url: string): void;
}

/**
 * node-notifier: ships its helpers inside the npm package (terminal-notifier on macOS, SnoreToast on Windows) and
 * uses notify-send (libnotify) on Linux. Critical alerts stay on screen until dismissed where the OS allows it.
 */
export function nodeNotifier(onError: (err: Error) => void): Notifier {
  return {
    notify(n, onClick) {
      notifier.notify({ title: n.title, message: n.message || ' ', wait: true, sound: n.severity !== 'info', timeout: n.severity === 'critical' ? false : 10 } as notifier.Notification, (err, response) => {
        // e.g. no notify-send or no notification daemon in this session: worth a log line, not a crash.
        if (err) return onError(err);
        if (/activate|click/i.test(String(response))) onClick();
      });
    },
  };
}

/** xdg-open / open / start, detached, so the agent never waits for the browser. */
export const systemOpener: Opener = {
  open(url) {
    if (!/^https?:\/\//.test(url)) return; // only ever Herald's own pages
    const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  },
};
