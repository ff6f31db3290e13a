import { HostedClient } from '../../main/core/hosted/hostedClient.js';

/** The client side of the upload benchmark, alone in its process so that its peak memory is its own. */
const [apiUrl, file, sizeText, destination] = process.argv.slice(2);
const client = new HostedClient({ apiUrl: new URL(apiUrl!), timeoutMs: 60_000 });
const started = performance.now();
const result = await client.convert({ filePath: file!, sizeBytes: Number(sizeText), inputFormat: 'wav', outputFormat: 'mp3' }, destination!);
const elapsedMs = performance.now() - started;
process.stdout.write(JSON.stringify({ elapsedMs, bytes: result.bytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
