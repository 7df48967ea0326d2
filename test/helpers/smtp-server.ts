// A recording SMTP server for tests, on 127.0.0.1 only: EHLO/HELO, optional STARTTLS or implicit TLS (with a
// certificate the test generates), AUTH PLAIN/LOGIN against one account, MAIL/RCPT/DATA/QUIT. It also parses
// the received MIME messages enough for assertions.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  recipients: string[];
  data: string;
  auth: { mechanism: string; user: string; password: string } | null;
  tls: boolean;
}

export interface SmtpServerOptions {
  mode?: 'plain' | 'starttls' | 'implicit';
  auth?: { user: string; password: string; mechanisms: string[] };
  /** Recipients answered with 550. */
  reject?: string[];
  certificate?: Certificate;
}

export interface Certificate {
  key: string;
  cert: string;
}

/** A self-signed certificate for 127.0.0.1 from the openssl binary, or null when it is missing. */
export function selfSignedCertificate(): Certificate | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class RecordingSmtpServer {
  readonly mails: ReceivedMail[] = [];
  readonly commands: string[] = [];
  #server: net.Server | null = null;
  port = 0;

  constructor(readonly options: SmtpServerOptions = {}) {}

  async start(): Promise<this> {
    const mode = this.options.mode ?? 'plain';
    const onSocket = (socket: net.Socket) => this.#session(socket, mode === 'implicit');
    this.#server =
      mode === 'implicit' ? tls.createServer({ ...this.options.certificate! }, onSocket) : net.createServer(onSocket);
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Resolves once `count` messages have arrived (for fire-and-forget sends). */
  async waitForMails(count: number, timeoutMs = 5000): Promise<void> {
    const started = Date.now();
    while (this.mails.length < count) {
      if (Date.now() - started > timeoutMs) throw new Error(`only ${this.mails.length} of ${count} mails arrived`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #session(initial: net.Socket, secure: boolean): void {
    let socket = initial;
    let buffer = '';
    let inData = false;
    let data = '';
    let pendingAuth: null | { step: 'user' | 'password'; user?: string } = null;
    let mail: ReceivedMail = { from: '', recipients: [], data: '', auth: null, tls: secure };
    const auth = this.options.auth;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    const capabilities = () => {
      const lines = ['sightline-test'];
      if (this.options.mode === 'starttls' && !secure) lines.push('STARTTLS');
      if (auth) lines.push(`AUTH ${auth.mechanisms.join(' ')}`);
      lines.push('8BITMIME');
      return lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n');
    };
    const checkLogin = (mechanism: string, user: string, password: string) => {
      if (auth && user === auth.user && password === auth.password) {
        mail.auth = { mechanism, user, password };
        reply('235 2.7.0 Authentication successful');
      } else reply('535 5.7.8 Authentication credentials invalid');
    };
    const decode = (s: string) => Buffer.from(s, 'base64').toString('utf8');
    const onLine = (line: string) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          this.mails.push({ ...mail, data });
          mail = { from: '', recipients: [], data: '', auth: mail.auth, tls: secure };
          reply('250 2.0.0 queued');
          return;
        }
        data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
        return;
      }
      this.commands.push(line);
      if (pendingAuth) {
        if (pendingAuth.step === 'user') {
          pendingAuth = { step: 'password', user: decode(line) };
          reply('334 UGFzc3dvcmQ6');
        } else {
          const user = pendingAuth.user!;
          pendingAuth = null;
          checkLogin('LOGIN', user, decode(line));
        }
        return;
      }
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') reply(capabilities());
      else if (verb === 'HELO') reply('250 sightline-test');
      else if (verb === 'STARTTLS') {
        reply('220 2.0.0 ready to start TLS');
        socket.removeAllListeners('data');
        const upgraded = new tls.TLSSocket(socket, { isServer: true, ...this.options.certificate! });
        socket = upgraded;
        secure = true;
        mail.tls = true;
        upgraded.on('data', onData);
        upgraded.on('error', () => undefined);
      } else if (verb === 'AUTH') {
        const [, mechanism, initialResponse] = line.split(' ');
        if (mechanism?.toUpperCase() === 'PLAIN' && initialResponse) {
          const [, user, password] = decode(initialResponse).split('\0');
          checkLogin('PLAIN', user ?? '', password ?? '');
        } else if (mechanism?.toUpperCase() === 'LOGIN') {
          pendingAuth = { step: 'user' };
          reply('334 VXNlcm5hbWU6');
        } else reply('504 5.5.4 mechanism not supported');
      } else if (verb === 'MAIL') {
        if (auth && !mail.auth) return reply('530 5.7.0 Authentication required');
        mail.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
        reply('250 2.1.0 ok');
      } else if (verb === 'RCPT') {
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        if (this.options.reject?.includes(address)) return reply('550 5.1.1 no such user');
        mail.recipients.push(address);
        reply('250 2.1.5 ok');
      } else if (verb === 'DATA') {
        inData = true;
        data = '';
        reply('354 end data with <CR><LF>.<CR><LF>');
      } else if (verb === 'QUIT') {
        reply('221 2.0.0 bye');
        socket.end();
      } else reply('502 5.5.2 command not recognized');
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
    reply('220 sightline-test ESMTP');
  }
}

export interface ParsedPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** Top-level headers and the decoded parts of a multipart message. */
export function parseMime(data: string): { headers: Record<string, string>; parts: ParsedPart[] } {
  const parseHeaders = (block: string) => {
    const headers: Record<string, string> = {};
    for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return headers;
  };
  const split = data.indexOf('\r\n\r\n');
  const headers = parseHeaders(data.slice(0, split));
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  const parts: ParsedPart[] = [];
  if (boundary) {
    for (const chunk of data
      .slice(split + 4)
      .split(`--${boundary}`)
      .slice(1)) {
      if (chunk.startsWith('--')) break;
      const body = chunk.replace(/^\r\n/, '');
      const end = body.indexOf('\r\n\r\n');
      const partHeaders = parseHeaders(body.slice(0, end));
      const raw = body.slice(end + 4).replace(/\r\n$/, '');
      const decoded = /base64/i.test(partHeaders['content-transfer-encoding'] ?? '')
        ? Buffer.from(raw.replace(/\r\n/g, ''), 'base64')
        : Buffer.from(raw, 'latin1');
      parts.push({ headers: partHeaders, body: decoded });
    }
  }
  return { headers, parts };
}
