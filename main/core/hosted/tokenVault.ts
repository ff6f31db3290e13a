import { AppError } from '../errors.js';

/** The OS keychain as the core needs it; native/keychain implements it. Fails with KEYCHAIN_UNAVAILABLE. */
export interface SecretStore {
  read(account: string): Promise<string | null>;
  write(account: string, secret: string): Promise<void>;
  /** True when something was removed. */
  remove(account: string): Promise<boolean>;
}

export type TokenLocation = 'keychain' | 'memory';

export interface SavedToken {
  location: TokenLocation;
  /** Why the keychain could not be used, when it could not. */
  keychainProblem?: string;
}

const problemOf = (error: unknown) => (error instanceof AppError ? error.message : `No OS keychain is available (${error instanceof Error ? error.message : String(error)}).`);

/** The keychain account of the raw client label (one per app, whatever the API). */
export const LABEL_ACCOUNT = 'client-label';

/**
 * Bearer tokens per API origin, and the raw client label beside them: in the OS keychain, or, when there is
 * none, in memory for this session only. Never on disk in plain text.
 */
export class TokenVault {
  private readonly memory = new Map<string, string>();

  constructor(private readonly keychain: SecretStore) {}

  static accountFor(apiUrl: URL): string {
    return apiUrl.origin;
  }

  async save(apiUrl: URL, token: string): Promise<SavedToken> {
    const account = TokenVault.accountFor(apiUrl);
    try {
      await this.keychain.write(account, token);
      this.memory.delete(account);
      return { location: 'keychain' };
    } catch (error) {
      this.memory.set(account, token);
      return { location: 'memory', keychainProblem: problemOf(error) };
    }
  }

  /** The token for this API, if any; a keychain that cannot be read is treated as holding none. */
  async load(apiUrl: URL): Promise<{ token: string | undefined; keychainProblem?: string }> {
    const account = TokenVault.accountFor(apiUrl);
    const remembered = this.memory.get(account);
    if (remembered) return { token: remembered };
    try {
      return { token: (await this.keychain.read(account)) ?? undefined };
    } catch (error) {
      return { token: undefined, keychainProblem: problemOf(error) };
    }
  }

  async saveLabel(label: string): Promise<SavedToken> {
    try {
      await this.keychain.write(LABEL_ACCOUNT, label);
      this.memory.delete(LABEL_ACCOUNT);
      return { location: 'keychain' };
    } catch (error) {
      this.memory.set(LABEL_ACCOUNT, label);
      return { location: 'memory', keychainProblem: problemOf(error) };
    }
  }

  async loadLabel(): Promise<string | undefined> {
    const remembered = this.memory.get(LABEL_ACCOUNT);
    if (remembered) return remembered;
    try {
      return (await this.keychain.read(LABEL_ACCOUNT)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async forgetLabel(): Promise<void> {
    this.memory.delete(LABEL_ACCOUNT);
    await this.keychain.remove(LABEL_ACCOUNT).catch(() => false);
  }

  async forget(apiUrl: URL): Promise<boolean> {
    const account = TokenVault.accountFor(apiUrl);
    const inMemory = this.memory.delete(account);
    try {
      return (await this.keychain.remove(account)) || inMemory;
    } catch (error) {
      if (inMemory) return true;
      throw error instanceof AppError ? error : new AppError('KEYCHAIN_UNAVAILABLE', problemOf(error));
    }
  }
}
