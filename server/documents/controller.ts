import { Type } from '@sinclair/typebox';
import type { Response } from 'express';
import type { DocumentFile, DocumentService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { route, type Route } from '../http/route.js';
import { ApplicationParams } from '../../shared/contracts/applications.js';

/** Inline: the browser's viewer opens it to read or print; the name is kept for saving. */
function sendPdf(res: Response, file: DocumentFile): void {
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${file.asciiName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Personal data, and a notice changes as departments answer: never kept by a shared cache.
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(file.data);
}

const PDF = { 200: { description: 'the document as PDF (Chinese, fonts embedded)', contentType: 'application/pdf', schema: Type.String({ format: 'binary' }) } };

/** An application's documents, for whoever may read the application (its applicant; a clerk who filed it). */
export function documentsRoutes(service: DocumentService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('citizen', 'clerk')], tags: ['citizen'], params: ApplicationParams, responses: PDF, errors: [401, 403, 404, 409] };
  const documents: { path: string; summary: string; description: string; make: (user: ReturnType<typeof currentUser>, id: string) => Promise<DocumentFile> }[] = [
    {
      path: '/applications/:id/receipt',
      summary: '受理回执: the 办件编号, the applicant (masked), each item and its department, the promised completion date, the progress query code and QR code',
      description: '409 before the application is submitted; 404 for an application that is not yours.',
      make: (u, id) => service.receipt(u, id),
    },
    {
      path: '/applications/:id/notice',
      summary: '一次性告知书: everything still missing in one notice: every open 补正 with its reason and last day, or what a draft lacks before it can be submitted',
      description: '409 when nothing is missing (a complete draft, or a filed application no department asked a 补正 of).',
      make: (u, id) => service.notice(u, id),
    },
    {
      path: '/applications/:id/form',
      summary: '一件事申请表: the combined form with the answers (labels and option titles), the items and signature lines for the applicant and the window clerk',
      description: 'Available for a draft too (for review before submitting).',
      make: (u, id) => service.form(u, id),
    },
    {
      path: '/applications/:id/completion',
      summary: '办结通知书: each item’s result and outputs, and the licences issued into 我的证照',
      description: '409 until every department has answered (completed, partially completed or refused).',
      make: (u, id) => service.completion(u, id),
    },
  ];
  return documents.map((doc) =>
    route({
      ...common,
      method: 'get',
      path: doc.path,
      summary: doc.summary,
      description: doc.description,
      handler: async ({ params }, req, res) => sendPdf(res, await doc.make(currentUser(req.principal), params.id)),
    }),
  );
}
