// The mm24 debug adapter on its own, over stdio: `node dist/debugAdapter.js`, for any DAP client.
import { join } from 'node:path';
import { Mm24DebugSession } from './debug/session';

const session = new Mm24DebugSession(join(__dirname, '..', 'media', 'listings'));
process.on('SIGTERM', () => session.shutdown());
session.start(process.stdin, process.stdout);
