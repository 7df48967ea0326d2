// Worker entry: worker threads do not inherit tsx's loader from `node --import tsx`, so register it here.
import { register } from 'tsx/esm/api';

register();
await import('./decoder-worker.ts');
