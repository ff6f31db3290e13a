import type { Clock } from '../engine/ports.js';
import { HostedClient } from './hostedClient.js';
import { HostedConverter } from './hostedConverter.js';
import type { OutputInspectors } from './hostedOutputCheck.js';
import type { TokenVault } from './tokenVault.js';

export interface HostedAccessDeps {
  vault: TokenVault;
  inspectors: OutputInspectors;
  clock: Clock;
  timeoutMs: number;
  /** How long an accepted job is polled before the command leaves it recorded for later. */
  jobTimeoutMs?: number | undefined;
}

/**
 * The credentials hosted jobs are sent with (the token for the API's origin and the raw client label, both
 * from the keychain and never written elsewhere), and the hosted converter built from them.
 */
export class HostedAccess {
  private token: { origin: string; value: string | undefined } | undefined;
  private label: string | undefined;
  private cached: { key: string; converter: HostedConverter } | undefined;

  constructor(private readonly deps: HostedAccessDeps) {}

  /** Reads the token for `apiUrl` (and, unless the caller brings its own, the label); says why when the keychain cannot be used. */
  async load(apiUrl: URL, options: { label: boolean } = { label: true }): Promise<string | undefined> {
    const { token, keychainProblem } = await this.deps.vault.load(apiUrl);
    this.token = { origin: apiUrl.origin, value: token };
    if (options.label) this.label = await this.deps.vault.loadLabel();
    return keychainProblem;
  }

  setToken(apiUrl: URL, token: string | undefined): void {
    this.token = { origin: apiUrl.origin, value: token };
  }

  setLabel(label: string | undefined): void {
    this.label = label === undefined || label.trim() === '' ? undefined : label;
  }

  hasLabel(): boolean {
    return this.label !== undefined;
  }

  /** A client for registration: the label header, no token. */
  registrationClient(apiUrl: URL): HostedClient {
    return new HostedClient({ apiUrl, label: this.label, timeoutMs: this.deps.timeoutMs, jobTimeoutMs: this.deps.jobTimeoutMs });
  }

  converterFor(apiUrl: URL): HostedConverter {
    const token = this.token?.origin === apiUrl.origin ? this.token.value : undefined;
    const key = JSON.stringify([apiUrl.href, token ?? '', this.label ?? '']);
    if (this.cached?.key !== key) {
      const client = new HostedClient({ apiUrl, token, label: this.label, timeoutMs: this.deps.timeoutMs, jobTimeoutMs: this.deps.jobTimeoutMs });
      this.cached = { key, converter: new HostedConverter({ client, clock: this.deps.clock, inspectors: this.deps.inspectors }) };
    }
    return this.cached.converter;
  }
}
