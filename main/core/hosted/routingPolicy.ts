import { parseApiUrl } from './hostedPlan.js';
import type { BatchRouting } from './hostedRecords.js';
import type { ModePreference } from './routing.js';

/** How one batch asks to be routed: from the command line, the settings, or a batch-folder rule. */
export interface RoutingPolicy {
  mode: ModePreference;
  /** Needed by every mode but `local`. */
  apiUrl: URL | undefined;
  /** `--private`, or a rule's "never upload": every byte stays on this machine. */
  neverUpload: boolean;
  /** Hybrid: what hosted jobs may spend in a calendar month, in USD. */
  budgetUsd: number;
  /** Strip GPS and camera serial numbers from photos before upload; photos that cannot be stripped stay here. */
  stripPhotoMetadata?: boolean;
  /** A batch-folder rule's hosted jobs while the API does not answer: converted here, or left to wait for the network. */
  whenOffline?: 'local' | 'wait';
}

export const LOCAL_ONLY: RoutingPolicy = { mode: 'local', apiUrl: undefined, neverUpload: false, budgetUsd: 0 };

/** A policy as a batch stores it, so that resuming the batch routes it the same way. */
export function routingRecord(policy: RoutingPolicy): BatchRouting {
  return {
    mode: policy.mode, apiUrl: policy.mode === 'local' ? null : policy.apiUrl?.href ?? null, neverUpload: policy.neverUpload,
    budgetUsd: policy.mode === 'hybrid' ? policy.budgetUsd : null, stripPhotoMetadata: policy.stripPhotoMetadata ?? false,
  };
}

/** The policy a stored batch asked for; throws a USAGE error if its API URL is no longer acceptable. */
export function policyFromRecord(record: BatchRouting): RoutingPolicy {
  if (record.mode === 'local' || record.apiUrl === null) return LOCAL_ONLY;
  return { mode: record.mode, apiUrl: parseApiUrl(record.apiUrl), neverUpload: record.neverUpload, budgetUsd: record.budgetUsd ?? 0, stripPhotoMetadata: record.stripPhotoMetadata };
}
