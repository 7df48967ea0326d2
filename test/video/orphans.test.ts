// No ffmpeg outlives the server: a server process with a running pipeline is killed with SIGKILL (no handler
// can run) and the pipeline's ffmpeg must vanish from the process table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { movingBoxVideo, pidAlive, tempDir, waitFor } from '../helpers/video.ts';

async function killServerWithPipeline(reference: string, media: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/hold-pipeline.ts'), reference, media],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let timer: NodeJS.Timeout | undefined;
    const line = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
      timer = setTimeout(() => reject(new Error('fixture printed no ffmpeg pid within 60 s')), 60_000);
    }).finally(() => clearTimeout(timer));
    const { pids } = JSON.parse(line) as { pids: number[] };
    assert.ok(pids.length === 1 && pidAlive(pids[0]!), 'ffmpeg runs while the pipeline does');
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    // Within the 10 s a stalled stream read would take to time out on its own.
    await waitFor('ffmpeg to exit after its server was killed', () => pids.every((pid) => !pidAlive(pid)), 5000);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

test('kill -9 of the server takes its ffmpeg children with it', async (t) => {
  const media = tempDir();
  t.after(() => fs.rmSync(media, { recursive: true, force: true }));
  await t.test('ffmpeg decoding a file (blocked on a full pipe)', async () => {
    // Longer than the source buffer (64 frames), so ffmpeg is still there, blocked, when frames flow.
    const video = movingBoxVideo(path.join(media, 'long.mp4'), { seconds: 20, fps: 10 });
    await killServerWithPipeline(video, media);
  });
  await t.test('ffmpeg waiting on a stream that sends nothing (no write to fail on)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      await killServerWithPipeline(`tcp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, media);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
