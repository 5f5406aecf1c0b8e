// A customer message's attachments, read from the stored raw mail: listed on the case page (name, type, size),
// downloaded as files, raster images previewed. Never served as something a browser would render as a page.
import { simpleParser, type Attachment as ParsedAttachment } from 'mailparser';
import { getRawMessage } from '../cases/queries.js';
import type { Db } from '../db/client.js';
import { AppError } from '../errors.js';
import type { RawStore } from '../mail/raw-store.js';

export const ATTACHMENT_PARSE_LIMIT = 25 * 1024 * 1024;

export interface AttachmentInfo { index: number; filename: string; size: number; contentType: string; previewable: boolean }

/** Raster images only: an SVG is a document that can carry script, so it is never previewed. */
const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Types served as themselves on download; anything else (HTML, SVG, XML, scripts...) goes as octet-stream. */
const DOWNLOAD_TYPES = new Set([...PREVIEW_TYPES, 'application/pdf', 'text/plain', 'text/csv', 'application/zip']);

async function parsedAttachments(db: Db, rawStore: RawStore, messageId: string): Promise<ParsedAttachment[]> {
  const raw = await getRawMessage(db, rawStore, messageId);
  if (raw.length > ATTACHMENT_PARSE_LIMIT) throw new AppError('payload_too_large', 'this message is too large to read its attachments here');
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  // inline parts without a name are pieces of the HTML body (signature logos), not attachments
  return parsed.attachments.filter((a) => a.contentDisposition !== 'inline' || a.filename);
}

const typeOf = (a: ParsedAttachment) => (a.contentType || 'application/octet-stream').toLowerCase();

export async function listAttachments(db: Db, rawStore: RawStore, messageId: string): Promise<AttachmentInfo[]> {
  return (await parsedAttachments(db, rawStore, messageId)).map((a, index) => ({
    index, filename: a.filename ?? '(unnamed)', size: a.size, contentType: typeOf(a), previewable: PREVIEW_TYPES.has(typeOf(a)),
  }));
}

/** One attachment's bytes and the headers to send them with: always a download, or an inline raster image preview. */
export async function attachmentResponse(db: Db, rawStore: RawStore, messageId: string, index: number, mode: 'download' | 'preview') {
  const a = (await parsedAttachments(db, rawStore, messageId))[index];
  if (!a) throw new AppError('not_found', 'no such attachment');
  const type = typeOf(a);
  if (mode === 'preview' && !PREVIEW_TYPES.has(type)) throw new AppError('not_found', 'only PNG, JPEG, GIF and WebP images are previewed');
  const filename = (a.filename ?? `attachment-${index + 1}`).replace(/[\r\n"\\/]/g, '_');
  const headers: Record<string, string> = {
    'content-type': mode === 'preview' || DOWNLOAD_TYPES.has(type) ? type : 'application/octet-stream',
    'content-disposition': `${mode === 'preview' ? 'inline' : 'attachment'}; filename="${filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    // even opened directly, nothing in it runs: no sniffing, a sandboxed document with nothing allowed
    'content-security-policy': "sandbox; default-src 'none'",
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'private, no-store',
  };
  return { body: a.content, headers };
}
