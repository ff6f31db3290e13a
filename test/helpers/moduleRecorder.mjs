// Loaded with `node --import` before the command: writes down every module the process resolves (one URL a line,
// to CONVERTR_TEST_MODULE_LOG), and at exit the CommonJS files it loaded, and changes nothing else.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

if (process.env.CONVERTR_TEST_MODULE_LOG) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from 'node:fs';
      export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        appendFileSync(${JSON.stringify(process.env.CONVERTR_TEST_MODULE_LOG)}, resolved.url + '\\n');
        return resolved;
      }
    `)}`,
  );
  process.on('exit', () => {
    const files = Object.keys(createRequire(import.meta.url).cache).map((file) => pathToFileURL(file).href);
    appendFileSync(process.env.CONVERTR_TEST_MODULE_LOG, files.map((url) => `${url}\n`).join(''));
  });
}
