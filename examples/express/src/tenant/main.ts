/**
 * The entry of `npm run setup:tenant`: settings from the environment and the `.env` files the
 * sample reads, then {@link runSetupCommand}.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { loadEnvFiles } from '../settings.js';
import { runSetupCommand } from './cli.js';

const exampleDir = fileURLToPath(new URL('../..', import.meta.url));
const repositoryDir = fileURLToPath(new URL('../../../..', import.meta.url));
loadEnvFiles([`${exampleDir}.env`, `${repositoryDir}.env`]);
process.exitCode = await runSetupCommand(process.argv.slice(2), process.env);
