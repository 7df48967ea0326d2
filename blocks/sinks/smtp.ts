// A small SMTP client (RFC 5321) on node:net / node:tls: implicit TLS on port 465, otherwise plain with STARTTLS
// when the server offers it; EHLO (HELO fallback), AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO, DATA with dot-stuffing.
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { checkLiteralHost, pinnedLookup, type NetworkPolicy } from '../../engine/index.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Login user; authentication is skipped when no password is given. */
  username?: string;
  password?: string;
  /** 'implicit' = TLS from the first byte; 'starttls' = must upgrade; 'auto' = implicit on 465, else upgrade if offered. */
  security?: 'auto' | 'implicit' | 'starttls' | 'none';
  /** Extra TLS options (e.g. `ca` for a private certificate authority). Certificates are always verified. */
  tls?: Pick<tls.ConnectionOptions, 'ca' | 'servername'>;
  timeoutMs?: number;
  /** Where the connection may go (the sink network policy); checked on the resolved address that is connected to. */
  policy?: NetworkPolicy;
}

export interface Envelope {
  from: string;
  recipients: string[];
}

interface Reply {
  code: number;
  lines: string[];
}

export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

/** Reads CRLF-terminated replies off a socket; multi-line replies ("250-...") are gathered into one Reply. */
class SmtpConnection {
  #buffer = '';
  #pending: Reply['lines'] = [];
  #replies: Reply[] = [];
  #waiters: Array<{ resolve: (reply: Reply) => void; reject: (error: Error) => void }> = [];
  #failure: Error | null = null;

  constructor(
    public socket: net.Socket,
    timeoutMs: number,
  ) {
    this.attach(socket, timeoutMs);
  }

  attach(socket: net.Socket, timeoutMs: number): void {
    this.socket = socket;
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new SmtpError(`SMTP server did not answer within ${timeoutMs} ms`)),
    );
    // Replies are ASCII; no setEncoding, so the raw socket can still be handed to TLS for STARTTLS.
    socket.on('data', (chunk: Buffer) => this.#onData(chunk.toString('latin1')));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new SmtpError('SMTP connection closed unexpectedly')));
  }

  detach(): void {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    this.socket.setTimeout(0);
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, end).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(end + 1);
      const code = Number(line.slice(0, 3));
      this.#pending.push(line.slice(4));
      if (line[3] === '-') continue;
      const reply = { code: Number.isFinite(code) ? code : 0, lines: this.#pending };
      this.#pending = [];
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(reply);
      else this.#replies.push(reply);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
  }

  read(): Promise<Reply> {
    const queued = this.#replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Sends a command and checks the reply code; `shown` replaces the command in error messages (secrets). */
  async command(line: string, expected: number[], shown = line): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.expect(expected, shown);
  }

  async expect(expected: number[], what: string): Promise<Reply> {
    const reply = await this.read();
    if (!expected.includes(reply.code)) {
      throw new SmtpError(`SMTP server answered ${reply.code} ${reply.lines.join(' ')} to ${what}`, reply.code);
    }
    return reply;
  }
}

function connect(settings: SmtpSettings, implicitTls: boolean): Promise<net.Socket> {
  if (settings.policy) checkLiteralHost(settings.host, settings.policy);
  return new Promise((resolve, reject) => {
    const options = {
      host: settings.host,
      port: settings.port,
      lookup: settings.policy ? pinnedLookup(settings.policy) : undefined,
    };
    const socket = implicitTls
      ? tls.connect(
          {
            ...options,
            servername: settings.tls?.servername ?? (net.isIP(settings.host) ? undefined : settings.host),
            ca: settings.tls?.ca,
          },
          () => resolve(socket),
        )
      : net.connect(options, () => resolve(socket));
    socket.once('error', reject);
    socket.setTimeout(settings.timeoutMs ?? 30_000, () =>
      socket.destroy(new SmtpError(`Could not connect to ${settings.host}:${settings.port} in time`)),
    );
  });
}

function upgrade(socket: net.Socket, settings: SmtpSettings): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect(
      {
        socket,
        host: settings.host,
        servername: settings.tls?.servername ?? (net.isIP(settings.host) ? undefined : settings.host),
        ca: settings.tls?.ca,
      },
      () => resolve(secure),
    );
    secure.once('error', reject);
  });
}

/** EHLO keywords (upper-cased) with their parameters, e.g. AUTH -> ['PLAIN', 'LOGIN']. */
function capabilities(reply: Reply): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...rest] = line.trim().split(/[\s=]+/);
    if (keyword)
      out.set(
        keyword.toUpperCase(),
        rest.map((r) => r.toUpperCase()),
      );
  }
  return out;
}

async function greet(connection: SmtpConnection): Promise<Map<string, string[]>> {
  const name = os.hostname() || 'localhost';
  connection.socket.write(`EHLO ${name}\r\n`);
  const reply = await connection.read();
  if (reply.code === 250) return capabilities(reply);
  await connection.command(`HELO ${name}`, [250]);
  return new Map();
}

async function authenticate(
  connection: SmtpConnection,
  caps: Map<string, string[]>,
  user: string,
  password: string,
): Promise<void> {
  const mechanisms = caps.get('AUTH');
  if (!mechanisms) throw new SmtpError('SMTP AUTH extension not supported by server.');
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  if (mechanisms.includes('PLAIN')) {
    await connection.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, [235], 'AUTH PLAIN');
    return;
  }
  if (mechanisms.includes('LOGIN')) {
    await connection.command('AUTH LOGIN', [334]);
    await connection.command(b64(user), [334], 'AUTH LOGIN user name');
    await connection.command(b64(password), [235], 'AUTH LOGIN password');
    return;
  }
  throw new SmtpError(
    `No supported authentication method (server offers ${mechanisms.join(', ')}; Sightline speaks PLAIN and LOGIN).`,
  );
}

/** Dot-stuffs a message and ends it with CRLF.CRLF (RFC 5321 §4.5.2). */
export function dataPayload(message: string): string {
  const normalized = message.replace(/\r?\n/g, '\r\n');
  const stuffed = normalized.replace(/^\./, '..').replace(/\r\n\./g, '\r\n..');
  return `${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`;
}

/** Delivers one message. Resolves with the recipients the server refused (all refused is an error). */
export async function sendMail(settings: SmtpSettings, envelope: Envelope, message: string): Promise<string[]> {
  const security = settings.security ?? 'auto';
  const implicitTls = security === 'implicit' || (security === 'auto' && settings.port === 465);
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const connection = new SmtpConnection(await connect(settings, implicitTls), timeoutMs);
  try {
    await connection.expect([220], 'the connection');
    let caps = await greet(connection);
    if (!implicitTls && security !== 'none' && (caps.has('STARTTLS') || security === 'starttls')) {
      await connection.command('STARTTLS', [220]);
      connection.detach();
      connection.attach(await upgrade(connection.socket, settings), timeoutMs);
      caps = await greet(connection);
    }
    if (settings.password) await authenticate(connection, caps, settings.username ?? envelope.from, settings.password);
    await connection.command(`MAIL FROM:<${envelope.from}>`, [250]);
    const refused: string[] = [];
    for (const recipient of envelope.recipients) {
      connection.socket.write(`RCPT TO:<${recipient}>\r\n`);
      const reply = await connection.read();
      if (reply.code !== 250 && reply.code !== 251) refused.push(recipient);
    }
    if (refused.length === envelope.recipients.length) {
      throw new SmtpError(`SMTP server refused every recipient: ${refused.join(', ')}`);
    }
    await connection.command('DATA', [354]);
    connection.socket.write(dataPayload(message));
    await connection.expect([250], 'the message');
    connection.socket.write('QUIT\r\n');
    await connection.read().catch(() => undefined);
    return refused;
  } finally {
    connection.detach();
    connection.socket.on('error', () => undefined);
    connection.socket.end();
  }
}
