import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AlertDoc } from '../alerts/alert.repository';
import { AccountabilityService } from './accountability.service';

/** What a live board viewer is told on every tick: the summary as JSON, or why it could not be read this time. */
export type FeedUpdate = { json: string } | { error: string };
type Viewer = (update: FeedUpdate) => void;

interface Feed {
  alert: AlertDoc;
  viewers: Set<Viewer>;
  latest?: FeedUpdate;
  busy: boolean;
}

/**
 * One live accountability feed per alert, shared by everyone watching it: the summary is built once per tick
 * (SUMMARY_REFRESH_MS) and handed to every viewer, so ten people watching an emergency's board cost the store
 * what one does. A viewer joining a running feed gets the latest summary at once. The feed stops with its last viewer.
 */
@Injectable()
export class SummaryFeeds implements OnApplicationShutdown {
  private readonly feeds = new Map<string, Feed>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly accountability: AccountabilityService) {}

  /** Starts sending `alert`'s summary to `viewer` (the caller already checked they may read it); returns the unsubscribe. */
  watch(alert: AlertDoc, viewer: Viewer): () => void {
    let feed = this.feeds.get(alert._id);
    if (!feed) {
      feed = { alert, viewers: new Set(), busy: false };
      this.feeds.set(alert._id, feed);
      this.timer ??= setInterval(() => void this.tick(), this.accountability.refreshMs);
    }
    feed.viewers.add(viewer);
    if (feed.latest) viewer(feed.latest);
    else void this.refresh(feed);
    return () => this.leave(alert._id, viewer);
  }

  /** Builds every watched alert's summary once and sends it to its viewers (the timer's work; tests call it directly). */
  async tick(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => this.refresh(f)));
  }

  onApplicationShutdown(): void {
    this.feeds.clear();
    this.stopTimer();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async refresh(feed: Feed): Promise<void> {
    // A tick that finds the previous build still running skips it, so a slow store is never asked twice at once.
    if (feed.busy) return;
    feed.busy = true;
    try {
      feed.latest = { json: JSON.stringify(await this.accountability.build(feed.alert)) };
    } catch (err) {
      feed.latest = { error: (err as Error).message };
    } finally {
      feed.busy = false;
    }
    for (const viewer of feed.viewers) viewer(feed.latest);
  }

  private leave(alertId: string, viewer: Viewer): void {
    const feed = this.feeds.get(alertId);
    if (!feed) return;
    feed.viewers.delete(viewer);
    if (feed.viewers.size) return;
    this.feeds.delete(alertId);
    if (!this.feeds.size) this.stopTimer();
  }
}
