// The QR code of a document (the 受理回执's progress link), as a matrix of dark modules that the
// PDF renderer draws as squares: vector, sharp at any print size, and no image to embed.
import QRCode from 'qrcode';

/** Dark modules row by row; the quiet zone (four modules of white around it) is the drawer's. */
export type QrMatrix = readonly (readonly boolean[])[];

/** Error correction M (15 %): a crumpled or stamped receipt still scans. */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, row) => Array.from({ length: modules.size }, (_, col) => Boolean(modules.get(row, col))));
}
