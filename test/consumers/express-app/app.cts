// The same imports from a CommonJS file (`.cts`): compiled to require() calls, which load the
// ESM-only package on Node 20.19 and later.
import express = require('express');

import { createAccessTokenVerifier } from 'logto-ts/api';
import { requireAccessToken } from 'logto-ts/api/express';
import { logto } from 'logto-ts/express';

export const app = express();
app.use(
  logto({
    endpoint: 'https://tenant.logto.app',
    appId: 'app-id',
    baseUrl: 'http://localhost:3000',
    secret: 'a session secret of at least 32 characters',
  }),
);
app.get(
  '/api/me',
  requireAccessToken(
    createAccessTokenVerifier({ endpoint: 'https://tenant.logto.app', audience: 'https://api' }),
  ),
  (_req, res) => {
    res.end();
  },
);
