// The licence library (电子证照库) as the product calls it when it issues a result. The
// connectors module (server/connectors/types.ts) declares the same interface; declared here too so
// this module does not depend on it (the composition root hands either in).

export interface LicenceHolder {
  idNumber?: string;
  creditCode?: string;
  name: string;
}

export interface IssueRequest {
  /** The licence type: the material code of the catalogue (`birthMedicalCertificate`) or a record's element id. */
  type: string;
  holder: LicenceHolder;
  /** The licence's contents by data element id, the department's result included. */
  fields: Record<string, unknown>;
  /** Code of the issuing department. */
  issuer: string;
  applicationId: string;
}

export interface IssuedLicence {
  licenceNumber: string;
  issuedOn: string;
  validUntil: string | null;
}

export interface LicenceIssuer {
  issue(req: IssueRequest): Promise<IssuedLicence>;
}
