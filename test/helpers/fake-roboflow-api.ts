// A local HTTP server speaking Roboflow's model API protocol (`/ort/{model_id}` describing a package, then the
// weights and environment downloads), with a gate to hold weights downloads back: a real slow source for
// model-loading tests.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sharedModel } from './shared.ts';

/** A fake Roboflow API: /ort/<id> describes the package; /weights/<id> streams the ONNX file. */
export class FakeRoboflowApi {
  server: http.Server;
  baseUrl = '';
  weights = fs.existsSync(sharedModel('yolov8n_quantized.onnx'))
    ? fs.readFileSync(sharedModel('yolov8n_quantized.onnx'))
    : Buffer.alloc(0);
  /** Weights downloads wait for this before sending the rest of the body. */
  gate: Promise<void> = Promise.resolve();
  release: () => void = () => {};
  ortRequests: string[] = [];
  weightRequests = 0;

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  holdWeights(): void {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, this.baseUrl);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/ort/')) {
      const id = url.pathname.slice('/ort/'.length);
      this.ortRequests.push(`${id}?${url.searchParams}`);
      if (url.searchParams.get('api_key') !== 'good-key') return json(401, { error: 'unauthorized' });
      if (id.startsWith('missing/')) return json(404, { error: 'not found' });
      if (id.startsWith('broken-api/')) return json(500, { error: 'boom' });
      return json(200, {
        ort: {
          model: `${this.baseUrl}/weights/${id}`,
          environment: `${this.baseUrl}/environment/${id}`,
          classes: ['alpha', 'beta'],
          colors: { alpha: '#FF0000' },
          ...(id.startsWith('kp/') ? { keypoints_metadata: [{ object_class_id: 0, keypoints: { '0': 'tip' } }] } : {}),
        },
      });
    }
    if (url.pathname.startsWith('/environment/')) {
      // Packages whose environment lacks PREPROCESSING, or holds one that is not JSON.
      if (url.pathname.includes('/no-preproc/')) return json(200, { COLORS: { alpha: '#000000' } });
      if (url.pathname.includes('/bad-preproc/')) return json(200, { PREPROCESSING: '{"resize": {' });
      return json(200, {
        PREPROCESSING: { resize: { enabled: true, width: 640, height: 640, format: 'Fit (grey edges) in' } },
        COLORS: { alpha: '#000000' },
      });
    }
    if (url.pathname.startsWith('/weights/')) {
      this.weightRequests++;
      const interrupted = url.pathname.includes('/interrupted/');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(this.weights.length) });
      const half = Math.floor(this.weights.length / 2);
      res.write(this.weights.subarray(0, half));
      if (interrupted) {
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      void this.gate.then(() => res.end(this.weights.subarray(half)));
      return;
    }
    json(404, {});
  }
}
