// Job progress over a WebSocket at /jobs/{id}/ws: the job's status whenever it changes and each result line as it
// lands (in input order), then {"type":"end"} and a normal close. Works the same in-process and in queue mode.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { JobService } from '../../jobs/service.ts';
import { mapError } from '../error-map.ts';

const JOB_SOCKET_PATH = /^\/jobs\/([0-9a-f-]{36})\/ws$/;
const POLL_MS = 250;

export function attachJobSockets(server: Server, jobs: JobService): { close(): void } {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = JOB_SOCKET_PATH.exec((req.url ?? '/').split('?')[0]!);
    if (!match || socket.destroyed) return; // other upgrade handlers decide
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.once('close', () => sockets.delete(ws));
      void follow(ws, jobs, match[1]!);
    });
  });
  return {
    close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

async function follow(ws: WebSocket, jobs: JobService, id: string): Promise<void> {
  const open = () => ws.readyState === ws.OPEN;
  let next = 0;
  let lastStatus = '';
  try {
    while (open()) {
      const status = await jobs.status(id);
      const serialized = JSON.stringify(status);
      if (serialized !== lastStatus) ws.send(JSON.stringify({ type: 'status', ...status }));
      lastStatus = serialized;
      for await (const line of jobs.results(id, next)) {
        if (!open()) return;
        next++;
        ws.send(`{"type":"result",${line.slice(1)}`);
      }
      if (status.status === 'completed' || status.status === 'cancelled') {
        ws.send(JSON.stringify({ type: 'end', status: status.status }));
        ws.close(1000);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    const mapped = mapError(error);
    if (open()) {
      ws.send(
        JSON.stringify({
          type: 'error',
          status: mapped?.status ?? 500,
          error: mapped?.body ?? { message: 'Internal error.' },
        }),
      );
      ws.close(1011);
    }
  }
}
