import { ExchangeClient, type ExchangeClientOptions } from './http-client.js';
import { IssueAnswer, LicenceAnswer, PATHS, type LicenceJson } from './protocol.js';
import type { IssueRequest, LicenceConnector, LicenceQuery, LicenceRecord } from './types.js';

export function fromJson(l: LicenceJson): LicenceRecord {
  return {
    type: l.type,
    licenceNumber: l.licenceNumber,
    issuer: l.issuer,
    issuedOn: l.issuedOn,
    validUntil: l.validUntil,
    holder: l.holder,
    fields: l.fields,
    ...(l.file ? { file: { contentType: l.file.contentType, data: Buffer.from(l.file.base64, 'base64') } } : {}),
  };
}

/** 电子证照库 over HTTP: the exchange protocol (protocol.ts). */
export function httpLicenceConnector(options: ExchangeClientOptions): LicenceConnector & { client: ExchangeClient } {
  const client = new ExchangeClient(options);
  return {
    id: options.id,
    type: 'http-licence',
    kind: 'licence',
    client,
    async fetch(query: LicenceQuery, signal?: AbortSignal) {
      const answer = await client.call('POST', PATHS.licenceQuery, { type: query.type, holder: query.holder, withFile: query.withFile ?? false }, LicenceAnswer, signal);
      return answer.found ? fromJson(answer.licence) : null;
    },
    async issue(req: IssueRequest, signal?: AbortSignal) {
      return fromJson((await client.call('POST', PATHS.licenceIssue, req, IssueAnswer, signal)).licence);
    },
    health: (signal) => client.health(signal),
  };
}
