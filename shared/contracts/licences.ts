// 我的证照: the licences issued to the signed-in applicant when their items completed.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, Named, Nullable, PathId, Uuid } from './common.js';

export const LicenceParams = Type.Object({ id: PathId('licence id') });

const IsoDate = (description: string) => Type.String({ format: 'date', description });

export const IssuedLicence = Named(
  'IssuedLicence',
  Closed({
    id: Uuid(),
    code: Type.String({ description: 'the licence type: a material code of the catalogue (birthMedicalCertificate) or a record (child.idNumber)' }),
    title: Type.String(),
    licenceNumber: Type.String(),
    issuer: Type.String({ description: 'the issuing department, by name' }),
    issuerCode: Type.String(),
    holderName: Type.String({ description: 'whom it belongs to: the newborn, the company, or the applicant' }),
    issuedOn: IsoDate('date of issue (China)'),
    validUntil: Nullable(IsoDate('last day of validity; null: no end')),
    inLibrary: Type.Boolean({ description: 'the licence library (电子证照库) confirmed it; false: kept in the archive (一人一档) only' }),
    sha256: Type.String({ description: 'SHA-256 of the PDF' }),
    applicationId: Type.Optional(Uuid()),
  }),
);
export type IssuedLicence = Static<typeof IssuedLicence>;
