// Loaded with `node --import` before the command: writes down every module the process resolves (one URL a line,
// to CONVERTR_TEST_MODULE_LOG) and changes nothing else.
import { register } from 'node:module';

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
}
