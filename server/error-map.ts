// STUB: the server owner writes the one table mapping error classes to statuses and bodies (spec §6.9).
import type { ErrorRequestHandler } from 'express';

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  res.status(500).json({ message: 'Internal error.' });
  void error;
};
