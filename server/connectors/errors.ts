/**
 * What can go wrong calling a connector, typed so callers decide without parsing messages:
 * `unavailable` (timeout, refused connection, 5xx, 408/429: trying again later can help),
 * `open` (the circuit breaker is open: the counterpart failed repeatedly, no call was made),
 * `refused` (the counterpart understood and refused: a 4xx, a bad signature; retrying the same
 * request cannot help), `invalid-response` (an answer not of the protocol's shape).
 */
export type ConnectorFailure = 'unavailable' | 'open' | 'refused' | 'invalid-response';

export class ConnectorError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly failure: ConnectorFailure,
    readonly connector: string,
    message: string,
    readonly statusCode?: number,
  ) {
    super(`${connector}: ${message}`);
    this.name = 'ConnectorError';
    this.retryable = failure === 'unavailable' || failure === 'open';
  }
}

/** The outcome recorded in connector_calls for an error. */
export function outcomeOf(err: unknown): 'error' | 'refused' | 'open' {
  if (err instanceof ConnectorError) return err.failure === 'open' ? 'open' : err.failure === 'refused' ? 'refused' : 'error';
  return 'error';
}

/** A connectors.yaml problem: names the file and the path in it, stops start-up and lint. */
export class ConnectorConfigError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}: ${path}: ${reason}`);
    this.name = 'ConnectorConfigError';
  }
}
