import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import type { PrintedDocument } from './protection.ts';

const FONTS_DIR = fileURLToPath(new URL('../../assets/fonts/', import.meta.url));

type Face = 'base' | 'deva' | 'ext';

// What pdfkit's built-in Helvetica can draw: WinAnsi (Latin-1 and a few typographic signs).
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const DEVANAGARI: Array<[number, number]> = [
  [0x0900, 0x097f], [0x1cd0, 0x1cf9], [0x200c, 0x200d], [0x20a8, 0x20a8], [0x20b9, 0x20b9], [0x20f0, 0x20f0], [0x25cc, 0x25cc], [0xa830, 0xa839], [0xa8e0, 0xa8ff],
];

/** Which font draws a character: Helvetica for WinAnsi, Noto Sans Devanagari for Hindi and ₹, Noto Sans latin-ext for the rest (₦). */
export function faceOf(ch: string): Face {
  const cp = ch.codePointAt(0)!;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || cp === 0x0a || cp === 0x0d || WIN_ANSI_EXTRA.has(ch)) return 'base';
  return DEVANAGARI.some(([a, b]) => cp >= a && cp <= b) ? 'deva' : 'ext';
}

/** A text cut into runs of one face each ("ऋण ₹3,000" -> deva "ऋण", base " ", deva "₹", base "3,000"). */
export function faceRuns(text: string): Array<{ face: Face; text: string }> {
  const runs: Array<{ face: Face; text: string }> = [];
  for (const ch of text) {
    const face = faceOf(ch);
    const last = runs[runs.length - 1];
    if (last?.face === face) last.text += ch;
    else runs.push({ face, text: ch });
  }
  return runs;
}

const fontFiles = new Map<string, Buffer>();
function fontFile(name: string): Buffer {
  let data = fontFiles.get(name);
  if (!data) fontFiles.set(name, (data = fs.readFileSync(`${FONTS_DIR}${name}`)));
  return data;
}

/** The pdfkit font name for a face and weight, registering the shipped file the first time a document needs it. */
function useFace(pdf: PDFKit.PDFDocument, face: Face, bold: boolean): void {
  if (face === 'base') {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    return;
  }
  const weight = bold ? 700 : 400;
  pdf.font(fontFile(face === 'deva' ? `noto-sans-devanagari-devanagari-${weight}-normal.woff` : `noto-sans-latin-ext-${weight}-normal.woff`));
}

/** Prints text at (x, y) in the right font for each script, wrapped as one paragraph. */
function print(pdf: PDFKit.PDFDocument, text: string, bold: boolean, x: number | undefined, y: number | undefined, options: PDFKit.Mixins.TextOptions = {}): void {
  const runs = faceRuns(text);
  if (runs.length <= 1) {
    useFace(pdf, runs[0]?.face ?? 'base', bold);
    if (x === undefined) pdf.text(text, options);
    else pdf.text(text, x, y, options);
    return;
  }
  runs.forEach((run, i) => {
    useFace(pdf, run.face, bold);
    const continued = i < runs.length - 1;
    if (i === 0 && x !== undefined) pdf.text(run.text, x, y, { ...options, continued });
    else if (i === 0) pdf.text(run.text, { ...options, continued });
    else pdf.text(run.text, { continued });
  });
}

/**
 * Prints a receipt or certificate as an A5 PDF. Latin-1 text (Spanish,
 * English) is in pdfkit's built-in Helvetica; Hindi, ₹ and ₦ switch to the
 * shipped Noto Sans Devanagari and Noto Sans latin-ext files (assets/fonts, OFL) for those
 * characters only. The text stays text, so it can be copied, searched and
 * read aloud.
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
  pdf.fontSize(16);
  print(pdf, doc.lender, true, undefined, undefined);
  pdf.moveDown(0.3).fontSize(13);
  print(pdf, doc.title, false, undefined, undefined);
  pdf.moveDown(1);
  const labelWidth = 140;
  const valueX = pdf.page.margins.left + labelWidth + 10;
  const valueWidth = pdf.page.width - pdf.page.margins.right - valueX;
  for (const row of doc.rows) {
    const y = pdf.y;
    pdf.fontSize(10).fillColor('#555555');
    print(pdf, row.label, false, pdf.page.margins.left, y, { width: labelWidth });
    const labelBottom = pdf.y;
    pdf.fillColor('#000000');
    print(pdf, row.value, true, valueX, y, { width: valueWidth });
    pdf.y = Math.max(labelBottom, pdf.y) + 4;
  }
  pdf.moveDown(1).fontSize(9).fillColor('#333333');
  print(pdf, doc.note, false, pdf.page.margins.left, pdf.y, { width: pdf.page.width - 80 });
  pdf.end();
  return done;
}
