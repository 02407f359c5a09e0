import { ConfigError } from '@/lib/config';

/** The start-up problems `load` reports, as "KEY: message" lines; none when it loads. */
export function configProblems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
    throw error;
  }
  return [];
}
