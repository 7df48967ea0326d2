// STUB: filled in by this route module's owner.
import { Router } from 'express';
import type { AppDeps } from '../app.ts';

export async function modelRoutes(_deps: AppDeps): Promise<Router> {
  return Router();
}
