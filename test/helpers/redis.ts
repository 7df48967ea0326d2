// A real redis-server for queue-mode tests: Debian's binary on a free port in a temp dir, with an append-only file
// so a restart on the same port keeps the data (tests stop and start it to simulate losing Redis).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
export const NO_REDIS = 'redis-server is not installed (apt-get install redis-server); queue-mode tests skipped';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function waitForPort(port: number, up: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not ${up ? 'start' : 'stop'} in time`);
}

export class TestRedis {
  #process: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<TestRedis> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-redis-'));
    const redis = new TestRedis(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** (Re)start on the same port and directory; the append-only file brings the data back. */
  async restart(): Promise<void> {
    if (this.#process) throw new Error('redis-server is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no', '--protected-mode', 'no');
    this.#process = spawn('redis-server', args, { stdio: 'ignore' });
    this.#process.once('exit', () => (this.#process = undefined));
    await waitForPort(this.port, true);
  }

  /** Kill -9: Redis vanishes as it would on a crash. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await waitForPort(this.port, false);
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
