import { createRequire } from 'node:module';
import { AppError } from '../../main/core/errors.js';
import type { SecretStore } from '../../main/core/hosted/tokenVault.js';

/** keytar's service name for every Convertr secret; the account is the API origin. */
export const KEYCHAIN_SERVICE = 'Convertr';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** A Secret Service that never answers must not hang a command. */
const KEYCHAIN_TIMEOUT_MS = 10_000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the keychain did not answer within ${KEYCHAIN_TIMEOUT_MS / 1000} s`)), KEYCHAIN_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** keytar is an optional dependency: on Linux it is compiled at install time and needs libsecret's headers. */
export const KEYTAR_MISSING_REASON =
  'keytar, the keychain module, is not installed: on Linux its build needs libsecret (`apt-get install libsecret-1-dev`, then `npm install`)';

function isModuleMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'MODULE_NOT_FOUND' && /'keytar'/.test((error as Error).message);
}

function unavailable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const reason = isModuleMissing(error) ? KEYTAR_MISSING_REASON : error instanceof Error ? error.message : String(error);
  return new AppError('KEYCHAIN_UNAVAILABLE', `No OS keychain is available (${reason}).`);
}

/** The OS keychain through keytar (libsecret on Linux, Keychain on macOS, Credential Vault on Windows). */
export class KeytarSecretStore implements SecretStore {
  private keytar: Keytar | undefined;

  constructor(
    private readonly service: string = KEYCHAIN_SERVICE,
    private readonly loadKeytar: () => Keytar = () => createRequire(import.meta.url)('keytar') as Keytar,
  ) {}

  private load(): Keytar {
    if (!this.keytar) {
      try {
        this.keytar = this.loadKeytar();
      } catch (error) {
        throw unavailable(error);
      }
    }
    return this.keytar;
  }

  async read(account: string): Promise<string | null> {
    try {
      return await withTimeout(this.load().getPassword(this.service, account));
    } catch (error) {
      throw unavailable(error);
    }
  }

  async write(account: string, secret: string): Promise<void> {
    try {
      await withTimeout(this.load().setPassword(this.service, account, secret));
    } catch (error) {
      throw unavailable(error);
    }
  }

  async remove(account: string): Promise<boolean> {
    try {
      return await withTimeout(this.load().deletePassword(this.service, account));
    } catch (error) {
      throw unavailable(error);
    }
  }
}
