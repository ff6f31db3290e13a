import type { SecretStore } from '../../main/core/hosted/tokenVault';

/** A keychain kept in memory, for tests about routing rather than about the OS keychain. */
export function memoryKeychain(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    read: async (account) => secrets.get(account) ?? null,
    write: async (account, secret) => void secrets.set(account, secret),
    remove: async (account) => secrets.delete(account),
  };
}
