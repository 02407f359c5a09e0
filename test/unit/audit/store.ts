import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openStore, setStoreForTesting, type Store } from '@/lib/store';

/** A real store in a fresh temporary directory, installed as the process's store under `bootId`. */
export function useTempStore(bootId = 'boot-a'): { dir: string; db: Store; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mastodash-audit-'));
  const db = openStore(dir);
  setStoreForTesting(db, bootId);
  return {
    dir,
    db,
    cleanup: () => {
      setStoreForTesting(undefined);
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
