// `node --import ./register.mjs out/main/index.js`: every `import ... from "electron"` gets the fake beside this file.
import { register } from 'node:module';

register('./resolveElectron.mjs', import.meta.url);
