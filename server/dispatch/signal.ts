import { EventEmitter } from 'node:events';

/**
 * Rows queued in this process wake this process's workers at once instead of at their next
 * poll; workers in other processes find them by polling.
 */
export const releaseSignal = new EventEmitter();
releaseSignal.setMaxListeners(0);

export function signalRelease(): void {
  releaseSignal.emit('release');
}
