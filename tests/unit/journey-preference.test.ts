// app/lib/journey/preference.ts: the panel's open/closed choice, remembered in localStorage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { StoredFlag } from "../../app/lib/journey/preference";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    items,
  };
}

test("closed by default, remembered once set, and subscribers hear it", () => {
  const storage = memoryStorage();
  const flag = new StoredFlag("k", () => storage);
  let calls = 0;
  flag.subscribe(() => calls++);
  assert.equal(flag.get(), false);
  flag.set(true);
  assert.equal(flag.get(), true);
  assert.equal(storage.items.get("k"), "open");
  assert.equal(new StoredFlag("k", () => storage).get(), true, "a new page reads the same choice");
  flag.set(false);
  assert.equal(flag.get(), false);
  assert.equal(calls, 2);
});

test("a change in another tab notifies; other keys do not", () => {
  const flag = new StoredFlag("k", () => memoryStorage());
  let calls = 0;
  flag.subscribe(() => calls++);
  flag.storageChanged("other");
  flag.storageChanged("k");
  flag.storageChanged(null);
  assert.equal(calls, 2);
});

test("storage that refuses still lets the panel toggle in this tab", () => {
  const refusing = {
    getItem: () => {
      throw new Error("denied");
    },
    setItem: () => {
      throw new Error("denied");
    },
  };
  const flag = new StoredFlag("k", () => refusing);
  assert.equal(flag.get(), false);
  flag.set(true);
  assert.equal(flag.get(), true);
  assert.equal(new StoredFlag("k", () => null).get(), false, "no storage at all (server render): closed");
});
