import PDFDocument from 'pdfkit';
import type { PrintedDocument } from './protection.ts';

/**
 * Prints a receipt or certificate as an A5 PDF with pdfkit's built-in
 * Helvetica (Latin-1 covers Spanish and English; no font files to ship).
 * The text stays text, so it can be copied, searched and read aloud.
 */
export function renderPdf(doc: PrintedDocument, meta: { createdAt: Date }): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A5',
    margin: 40,
    info: { Title: doc.title, Author: doc.lender, Creator: 'Cuota', CreationDate: meta.createdAt },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.font('Helvetica-Bold').fontSize(16).text(doc.lender);
  pdf.moveDown(0.3).font('Helvetica').fontSize(13).text(doc.title);
  pdf.moveDown(1);
  const labelWidth = 140;
  const valueX = pdf.page.margins.left + labelWidth + 10;
  const valueWidth = pdf.page.width - pdf.page.margins.right - valueX;
  for (const row of doc.rows) {
    const y = pdf.y;
    pdf.font('Helvetica').fontSize(10).fillColor('#555555').text(row.label, pdf.page.margins.left, y, { width: labelWidth });
    const labelBottom = pdf.y;
    pdf.font('Helvetica-Bold').fillColor('#000000').text(row.value, valueX, y, { width: valueWidth });
    pdf.y = Math.max(labelBottom, pdf.y) + 4;
  }
  pdf.moveDown(1).font('Helvetica').fontSize(9).fillColor('#333333').text(doc.note, pdf.page.margins.left, pdf.y, { width: pdf.page.width - 80 });
  pdf.end();
  return done;
}
