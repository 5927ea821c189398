/**
 * PostgreSQL's LISTEN/NOTIFY on either backend. The store announces new data on NEW_DATA_CHANNEL
 * from triggers (migration 0022): a source completed (every ingest path ends there), a case's
 * federation sharing policy changed, a deconfliction registration was added or changed. A
 * federation node listens and syncs with its peers soon after, whichever process wrote the data.
 *
 * A notification is a hint, not a queue: one sent while no one listens is lost, and several in
 * one transaction arrive as one. The periodic sync round stays the guarantee; a listener that
 * loses its connection reconnects and calls back once, for whatever it may have missed.
 */
import pg from 'pg';
import type { Store } from './connect.ts';

export const NEW_DATA_CHANNEL = 'crosslink_new_data';
const RECONNECT_MS = 5000;

export interface Listening {
  stop(): Promise<void>;
}

/** Calls `onNotify` for each notification on `channel` (a plain lower-case name). */
export async function listen(store: Store, channel: string, onNotify: () => void, onError: (error: Error) => void = () => undefined): Promise<Listening> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: '${channel}'`);
  if (store.driver.kind === 'embedded') {
    const unlisten = await store.driver.pglite.listen(channel, () => onNotify());
    return { stop: () => unlisten() };
  }
  // A connection of its own, made as the pool makes its own (the same server, user and start-up
  // options): a pooled one would be handed to other work between notifications.
  const config: pg.ClientConfig = { ...store.driver.pool.options, application_name: 'crosslink listen' };
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client(config);
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    const lost = (error?: Error) => {
      if (stopped || client !== next) return;
      client = undefined;
      next.removeAllListeners('end');
      void next.end().catch(() => undefined);
      if (error) onError(error);
      retry = setTimeout(() => void reconnect(), RECONNECT_MS);
      retry.unref();
    };
    next.on('error', lost);
    next.on('end', () => lost(new Error(`the connection listening on ${channel} closed`)));
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
  };
  const reconnect = async () => {
    if (stopped) return;
    try {
      await connect();
      onNotify();
    } catch (error) {
      onError(error as Error);
      retry = setTimeout(() => void reconnect(), RECONNECT_MS);
      retry.unref();
    }
  };
  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
