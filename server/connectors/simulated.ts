import { setTimeout as sleep } from 'node:timers/promises';
import type { ExchangeLibrary } from '../simulator/exchange.js';
import { ConnectorError } from './errors.js';
import type { ConnectorHealth, DataConnector, LicenceConnector } from './types.js';

/**
 * DEMO without an exchange configured: the connector calls the simulator's licence library and
 * data exchange in this process (the same records, control and counters the simulator serves
 * over HTTP), so `npm start` fetches, misses and fails like a real exchange without set-up.
 */
async function gate(library: ExchangeLibrary, id: string): Promise<void> {
  if (library.state.latencyMs > 0) await sleep(library.state.latencyMs);
  if (library.state.down) {
    library.stats.dropped++;
    throw new ConnectorError('unavailable', id, 'simulated exchange is down');
  }
  if (library.state.failures > 0) {
    library.state.failures--;
    library.stats.failed++;
    throw new ConnectorError('unavailable', id, 'HTTP 500: simulated failure', 500);
  }
}

async function health(library: ExchangeLibrary): Promise<ConnectorHealth> {
  return library.state.down ? { ok: false, latencyMs: 0, detail: 'simulated exchange is down' } : { ok: true, latencyMs: 0, detail: '模拟证照库（DEMO）' };
}

export function simulatedLicenceConnector(id: string, library: ExchangeLibrary): LicenceConnector {
  return {
    id,
    type: 'simulated-licence',
    kind: 'licence',
    async fetch(query) {
      await gate(library, id);
      return library.find(query.type, query.holder, query.withFile ?? false);
    },
    async issue(req) {
      await gate(library, id);
      return library.issue(req);
    },
    health: () => health(library),
  };
}

export function simulatedDataConnector(id: string, library: ExchangeLibrary): DataConnector {
  return {
    id,
    type: 'simulated-data',
    kind: 'data',
    async records(query) {
      await gate(library, id);
      return library.records(query);
    },
    health: () => health(library),
  };
}
