// Whether the journey panel is open, remembered in localStorage so it stays open (or closed) across
// pages and visits, and followed across tabs (the `storage` event). Closed when nothing is stored,
// when storage is unavailable (private modes, blocked cookies), and during server rendering.
// Framework-free; the panel reads it through useSyncExternalStore.

export const JOURNEY_PANEL_KEY = "likes.journeyPanel";

type Storage = Pick<globalThis.Storage, "getItem" | "setItem">;

export class StoredFlag {
  private readonly listeners = new Set<() => void>();
  /** Set only when storage refused a write, so the toggle still works in this tab. */
  private unsaved: boolean | null = null;

  constructor(
    private readonly key: string,
    private readonly storage: () => Storage | null,
  ) {}

  get = (): boolean => {
    if (this.unsaved !== null) return this.unsaved;
    try {
      return this.storage()?.getItem(this.key) === "open";
    } catch {
      return false;
    }
  };

  set(open: boolean): void {
    try {
      const storage = this.storage();
      if (!storage) throw new Error("no storage");
      storage.setItem(this.key, open ? "open" : "closed");
      this.unsaved = null;
    } catch {
      // Storage refused (quota, privacy settings): the panel still toggles, it just is not remembered.
      this.unsaved = open;
    }
    this.notify();
  }

  /** Another tab changed it (`storage` events fire only in the other tabs); null: storage cleared. */
  storageChanged(key: string | null): void {
    if (key === null || key === this.key) this.notify();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The browser's flag for the journey panel. */
export function journeyPanelFlag(): StoredFlag {
  return new StoredFlag(JOURNEY_PANEL_KEY, () => (typeof window === "undefined" ? null : window.localStorage));
}
