// Builds an RFC 5322 / MIME message: a multipart/mixed with a text/plain body and base64 attachments.
import { randomBytes, randomUUID } from 'node:crypto';

export interface MailAttachment {
  filename: string;
  content: Uint8Array;
}

export interface MailMessage {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  attachments: MailAttachment[];
  date?: Date;
}

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  json: 'application/json',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
};

const isAscii = (s: string) => /^[\x20-\x7e\t\r\n]*$/.test(s);

/** RFC 2047 encoded word for header values that are not plain ASCII. */
export function encodeHeader(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return isAscii(flat) ? flat : `=?utf-8?b?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}

function base64Lines(content: Uint8Array): string {
  const encoded = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('base64');
  return encoded.replace(/.{1,76}/g, '$&\r\n');
}

/** Attachment filename parameter: quoted ASCII, or RFC 2231 UTF-8 for anything else. */
function filenameParameter(name: string): string {
  const flat = name.replace(/[\r\n"\\]/g, '_');
  return isAscii(flat) ? `filename="${flat}"` : `filename*=utf-8''${encodeURIComponent(flat)}`;
}

function contentTypeFor(filename: string): string {
  const extension = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function textPart(text: string): string {
  const body = text.replace(/\r?\n/g, '\r\n');
  const plain = isAscii(body) && body.split('\r\n').every((line) => line.length <= 998);
  if (plain)
    return `Content-Type: text/plain; charset="us-ascii"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${body}\r\n`;
  return `Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(Buffer.from(text, 'utf8'))}`;
}

/** The full message text (CRLF line endings). Bcc recipients belong to the envelope only, never to a header. */
export function buildMimeMessage(message: MailMessage): string {
  const boundary = `=_sightline_${randomBytes(12).toString('hex')}`;
  const headers = [
    `From: ${encodeHeader(message.from)}`,
    `To: ${encodeHeader(message.to.join(', '))}`,
    ...(message.cc.length ? [`Cc: ${encodeHeader(message.cc.join(', '))}`] : []),
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${(message.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@sightline>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const parts = [textPart(message.text)];
  for (const attachment of message.attachments) {
    parts.push(
      `Content-Type: ${contentTypeFor(attachment.filename)}\r\n` +
        'Content-Transfer-Encoding: base64\r\n' +
        `Content-Disposition: attachment; ${filenameParameter(attachment.filename)}\r\n\r\n` +
        base64Lines(attachment.content),
    );
  }
  return `${headers.join('\r\n')}\r\n\r\n${parts.map((part) => `--${boundary}\r\n${part}`).join('')}--${boundary}--\r\n`;
}
