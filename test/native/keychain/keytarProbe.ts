import { KeytarSecretStore } from '../../../native/keychain/keytarSecretStore.js';

/** Runs one keychain operation in a child process that sees the test's Secret Service: `write|read|remove account [secret]`. */
const [operation, account, secret] = process.argv.slice(2);
const store = new KeytarSecretStore();
try {
  if (operation === 'write') await store.write(account!, secret!);
  if (operation === 'read') process.stdout.write(JSON.stringify(await store.read(account!)));
  if (operation === 'remove') process.stdout.write(JSON.stringify(await store.remove(account!)));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as { code?: string }).code, message: (error as Error).message }));
}
