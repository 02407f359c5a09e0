import { readTestbed } from './testbed';

/** Integration tests need the real services; a missing test bed fails the run instead of skipping. */
export default function setup(): void {
  readTestbed();
}
