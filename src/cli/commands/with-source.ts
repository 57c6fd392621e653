/** Opening and always closing an entry source around a command's work. */
import type { EntrySource } from '../entries/entry-source';

/** Opens `source` (connection or directory check), runs `work`, and closes the source whatever happens. */
export async function withSource<T>(source: EntrySource, work: () => Promise<T>): Promise<T> {
  try {
    await source.open();
    return await work();
  } finally {
    await source.close();
  }
}
