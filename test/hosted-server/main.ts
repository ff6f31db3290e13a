import { startHostedTestServer, type FaultMode } from './hostedTestServer.js';

/** Runs the test server by hand: `npx tsx test/hosted-server/main.ts [fault-mode]`. */
const server = await startHostedTestServer();
server.setFault((process.argv[2] ?? 'none') as FaultMode);
process.stdout.write(`${server.url}\n`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
