/** A minimal typed event emitter that runs in Node and in the browser alike (no dependency on node:events). */
export class Emitter<E extends { [K in keyof E]: (...args: never[]) => void }> {
  private readonly handlers = new Map<keyof E, Set<E[keyof E]>>();

  on<K extends keyof E>(event: K, handler: E[K]): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set!.delete(handler);
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) {
      try {
        (h as (...a: Parameters<E[K]>) => void)(...args);
      } catch (err) {
        // A faulty listener (UI code) must not stop the client from receiving or confirming alerts.
        console.error('herald client listener failed', err);
      }
    }
  }
}
