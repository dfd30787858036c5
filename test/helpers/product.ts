import type { Browser } from 'playwright-core';
import type { SimulatorOptions } from '../../server/simulator/app.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { startServer, startSimulator, workerTo, type TestServer } from './api.js';
import { launchBrowser } from './browser.js';
import { databaseTargets, type TestDatabase } from './db.js';

export interface Product {
  db: TestDatabase;
  ts: TestServer;
  browser: Browser;
  /** Stops everything started, in reverse order; safe after a failed start. */
  close(): Promise<void>;
}

export interface ProductWithDepartments extends Product {
  sim: Awaited<ReturnType<typeof startSimulator>>;
  worker: DispatchWorker;
}

export interface DepartmentOptions {
  simulator?: Partial<SimulatorOptions>;
  /** Departments left to their staff in the web inbox instead of the simulator. */
  inbox?: string[];
}

/**
 * What the browser suites run against: the product on the first database target and Chromium;
 * with `departments`, also the simulated department systems and a dispatch worker sending to them.
 */
export function startProduct(): Promise<Product>;
export function startProduct(o: { departments: DepartmentOptions }): Promise<ProductWithDepartments>;
export async function startProduct(o: { departments?: DepartmentOptions } = {}): Promise<Product | ProductWithDepartments> {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const db = await databaseTargets()[0]!.open();
    stops.push(() => db.close());
    const ts = await startServer(db);
    stops.push(() => ts.close());
    let departments: Pick<ProductWithDepartments, 'sim' | 'worker'> | undefined;
    if (o.departments) {
      const sim = await startSimulator(ts, o.departments.simulator);
      stops.push(() => sim.close());
      const worker = workerTo(ts, sim.url, {}, o.departments.inbox);
      worker.start();
      stops.push(() => worker.stop());
      departments = { sim, worker };
    }
    const browser = await launchBrowser();
    stops.push(() => browser.close());
    return { db, ts, browser, ...departments, close };
  } catch (err) {
    await close();
    throw err;
  }
}
