import { ExchangeClient, type ExchangeClientOptions } from './http-client.js';
import { PATHS, RecordsAnswer } from './protocol.js';
import type { DataConnector, DataQuery } from './types.js';

/** 数据共享交换 over HTTP: a department's records by key (protocol.ts). */
export function httpDataConnector(options: ExchangeClientOptions): DataConnector & { client: ExchangeClient } {
  const client = new ExchangeClient(options);
  return {
    id: options.id,
    type: 'http-data',
    kind: 'data',
    client,
    async records(query: DataQuery, signal?: AbortSignal) {
      const answer = await client.call('POST', PATHS.recordsQuery, query, RecordsAnswer, signal);
      return answer.found ? answer.values : null;
    },
    health: (signal) => client.health(signal),
  };
}
