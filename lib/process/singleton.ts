import 'server-only';

/**
 * State that must exist once per server process. Next loads a server module once for the pages and once
 * for the route handlers, and the custom server (server/start.ts) bundles its own copy, so a module-level
 * variable would exist two or three times: two Docker event streams, two pools, two lockout tables. Such
 * state lives on globalThis under a `Symbol.for` key, which every copy of the module resolves to the same
 * slot.
 */

type Slots = Record<symbol, unknown>;

function slotKey(name: string): symbol {
  return Symbol.for(`mastodash.${name}`);
}

/** The process's one value for `name`, made by `create` the first time any copy of the module asks. */
export function processSingleton<T>(name: string, create: () => T): T {
  const slots = globalThis as unknown as Slots;
  const key = slotKey(name);
  if (!(key in slots)) slots[key] = create();
  return slots[key] as T;
}

/** The value if one was made, without making it (for shutdown paths that must not start anything). */
export function existingProcessSingleton<T>(name: string): T | undefined {
  return (globalThis as unknown as Slots)[slotKey(name)] as T | undefined;
}

/** Drops the value, so the next `processSingleton` call makes a fresh one (configuration changes, tests). */
export function dropProcessSingleton(name: string): void {
  delete (globalThis as unknown as Slots)[slotKey(name)];
}
