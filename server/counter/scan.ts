import type { RequestHandler } from 'express';
import multer from 'multer';
import { PDFDocument } from 'pdf-lib';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, type ErrorDetail } from '../errors.js';
import { sniffType } from '../materials/sniff.js';
import { displayName, type UploadedMaterial } from '../materials/upload.js';
import { formatBytes } from '../../shared/uploads.js';

export const SCAN_FIELD = 'pages';
/** Pages one scan may have: a thick 户口簿 fits, a mistaken folder of photos does not. */
export const MAX_SCAN_PAGES = 30;
/** A4 in PDF points: each page image is fitted inside it, its proportions kept. */
const A4 = { width: 595.28, height: 841.89 };

declare global {
  // Express's own augmentation point, as in server/materials/upload.ts.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by parseScan(): the pages in the order sent, each checked by content. */
      scan?: { data: Buffer; mime: string; name: string }[];
    }
  }
}

function pagesDetail(message: string, messageEn: string, index?: number): ErrorDetail {
  return { path: index === undefined ? SCAN_FIELD : `${SCAN_FIELD}[${index}]`, message, messageEn };
}

/**
 * Parses the counter's scan: one or more files in the field `pages` (JPEG or PNG page images,
 * or one PDF), each at most `maxBytes`, all in memory.
 */
export function parseScan(maxBytes: number): RequestHandler {
  const multipart = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: MAX_SCAN_PAGES, fields: 5, parts: MAX_SCAN_PAGES + 5 },
    defParamCharset: 'utf8',
  }).array(SCAN_FIELD, MAX_SCAN_PAGES);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next(new BadRequestError('请以 multipart/form-data 上传扫描件', 'Send the scan as multipart/form-data', [pagesDetail('缺少扫描页', 'No pages were sent')]));
    multipart(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          const limit = formatBytes(maxBytes);
          return next(Object.assign(new PayloadTooLargeError(`每页不能超过 ${limit.zh}`, `Each page may be at most ${limit.en}`), { details: [pagesDetail(`每页不能超过 ${limit.zh}`, `at most ${limit.en} a page`)] }));
        }
        if (err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE') {
          return next(new BadRequestError(`扫描件最多 ${MAX_SCAN_PAGES} 页，放在字段 ${SCAN_FIELD} 中`, `At most ${MAX_SCAN_PAGES} pages, in the field "${SCAN_FIELD}"`, [pagesDetail(`最多 ${MAX_SCAN_PAGES} 页`, `at most ${MAX_SCAN_PAGES} pages`)]));
        }
        return next(new BadRequestError('扫描件格式错误', 'Malformed scan upload', [pagesDetail('无法读取上传内容', 'The upload could not be read')]));
      }
      if (err) return next(new BadRequestError('扫描件格式错误', 'Malformed scan upload', [pagesDetail('无法读取上传内容', 'The upload could not be read')]));
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      if (files.length === 0) return next(new BadRequestError('缺少扫描页', 'No pages were sent', [pagesDetail('请至少上传一页', 'send at least one page')]));
      const pages: { data: Buffer; mime: string; name: string }[] = [];
      for (const [i, f] of files.entries()) {
        const type = sniffType(f.buffer);
        const ok = type && (type.mime === 'image/jpeg' || type.mime === 'image/png' || (type.mime === 'application/pdf' && files.length === 1));
        if (!ok || !type) {
          return next(Object.assign(new UnsupportedMediaTypeError('扫描页应为 JPEG 或 PNG 图片，或单独一个 PDF 文件', 'Pages must be JPEG or PNG images, or a single PDF'), {
            details: [pagesDetail('不是 JPEG/PNG 图片（PDF 只能单独上传）', 'not a JPEG/PNG image (a PDF only on its own)', i)],
          }));
        }
        pages.push({ data: f.buffer, mime: type.mime, name: displayName(f.originalname) });
      }
      req.scan = pages;
      next();
    });
  };
}

/**
 * The scanned pages as one PDF material: page images fitted on A4 pages in the order given; a
 * PDF sent alone is kept as it is. Returns the material with its page count.
 */
export async function scanToPdf(pages: readonly { data: Buffer; mime: string }[], fileName: string): Promise<{ material: UploadedMaterial; pages: number }> {
  const only = pages[0];
  if (pages.length === 1 && only?.mime === 'application/pdf') {
    const doc = await readPdf(only.data);
    return { material: { data: only.data, mime: 'application/pdf', ext: 'pdf', originalName: fileName, size: only.data.length }, pages: doc.getPageCount() };
  }
  const doc = await PDFDocument.create();
  doc.setTitle(fileName);
  doc.setProducer('一件事一次办 综合窗口');
  for (const [i, p] of pages.entries()) {
    let image;
    try {
      image = p.mime === 'image/png' ? await doc.embedPng(p.data) : await doc.embedJpg(p.data);
    } catch {
      throw Object.assign(new UnsupportedMediaTypeError('扫描页图片已损坏，无法读取', 'A page image is damaged and cannot be read'), { details: [pagesDetail('图片无法读取', 'the image cannot be read', i)] });
    }
    const scale = Math.min(A4.width / image.width, A4.height / image.height);
    const page = doc.addPage([A4.width, A4.height]);
    const w = image.width * scale;
    const h = image.height * scale;
    page.drawImage(image, { x: (A4.width - w) / 2, y: (A4.height - h) / 2, width: w, height: h });
  }
  const data = Buffer.from(await doc.save());
  return { material: { data, mime: 'application/pdf', ext: 'pdf', originalName: fileName, size: data.length }, pages: pages.length };
}

async function readPdf(data: Buffer): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(data, { ignoreEncryption: true });
  } catch {
    throw Object.assign(new UnsupportedMediaTypeError('PDF 文件已损坏，无法读取', 'The PDF is damaged and cannot be read'), { details: [pagesDetail('PDF 无法读取', 'the PDF cannot be read', 0)] });
  }
}
