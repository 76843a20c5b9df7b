/**
 * Runs the example API: `LOGTO_ENDPOINT` (default `http://localhost:3001`), `PORT` (default 3002).
 *
 * @module
 */
import { createApiApp } from './app.js';

const endpoint = process.env.LOGTO_ENDPOINT ?? 'http://localhost:3001';
const port = Number(process.env.PORT ?? 3002);

const server = createApiApp({ endpoint }).listen(port, () => {
  console.log(`example API on http://localhost:${port} (Logto at ${endpoint})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
