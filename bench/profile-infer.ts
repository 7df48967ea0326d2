// Fires classic /infer/* requests at an in-process server, for `node --cpu-prof --import tsx bench/profile-infer.ts`
// (then `node bench/cpuprofile-summary.mjs <file>.cpuprofile`). PROFILE_REQUESTS sets the count per route.
import fs from 'node:fs';
import { installModelPackage } from '../blocks/models/package.ts';
import { ocrAssetPath } from '../blocks/models/ocr/ocr-engine.ts';
import { startTestServer } from '../test/helpers/server.ts';
import { hasShared, sharedImage, SHARED_DIR } from '../test/helpers/shared.ts';

if (!hasShared) {
  console.log(`skipped: needs ../shared (models, images) which is absent at ${SHARED_DIR}`);
  process.exit(0);
}
const COUNT = Number(process.env.PROFILE_REQUESTS ?? 50);
const server = await startTestServer();
try {
  await installModelPackage(ocrAssetPath('direction'), 'bench-cls/1', server.config.modelCacheDir, {
    classNames: ['0', '180'],
    environment: {
      PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
      CLASS_MAP: { '0': '0', '1': '180' },
    },
  });
  const base64 = fs.readFileSync(sharedImage(process.env.PROFILE_IMAGE ?? 'bus.jpg')).toString('base64');
  const routes = (process.env.PROFILE_ROUTES ?? 'classification,object_detection').split(',');
  for (const route of routes) {
    const modelId = route === 'classification' ? 'bench-cls/1' : 'coco/3';
    const body = JSON.stringify({ model_id: modelId, image: { type: 'base64', value: base64 } });
    const post = async () => {
      const res = await fetch(`${server.url}/infer/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (res.status !== 200)
        throw new Error(`/infer/${route} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return res.json();
    };
    await post();
    const times: number[] = [];
    for (let i = 0; i < COUNT; i++) {
      const started = performance.now();
      await post();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / COUNT;
    console.log(
      `/infer/${route}: min ${times[0]!.toFixed(2)} ms, p10 ${times[Math.floor(COUNT / 10)]!.toFixed(2)} ms, median ${times[COUNT >> 1]!.toFixed(2)} ms, mean ${mean.toFixed(2)} ms over ${COUNT} requests`,
    );
  }
} finally {
  await server.close();
}
