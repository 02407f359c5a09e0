import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { loadConfig, setConfigForTesting, type EnvSource } from '@/lib/config';
import { openStore, setStoreForTesting, type Store } from '@/lib/store';

export interface AuthTestEnv {
  dir: string;
  db: Store;
  /** Replaces the process configuration as if the dashboard had been started with `env`. */
  configure: (env: EnvSource) => void;
  cleanup: () => void;
}

/** A fresh store in a temporary directory and a configuration parsed from `env`, installed for the process. */
export function useAuthTestEnv(env: EnvSource = {}): AuthTestEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'mastodash-auth-'));
  const db = openStore(path.join(dir, 'data'));
  setStoreForTesting(db);
  const configure = (next: EnvSource): void =>
    setConfigForTesting(loadConfig({ env: { DATA_DIR: 'data', ...next }, cwd: dir }));
  configure(env);
  return {
    dir,
    db,
    configure,
    cleanup: () => {
      setStoreForTesting(undefined);
      setConfigForTesting(undefined);
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
