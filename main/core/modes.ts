/** Where a user asks jobs to run: this machine, the hosted API, the API only when this machine cannot, or whichever finishes sooner within a budget. */
export const MODE_PREFERENCES = ['local', 'hosted', 'auto', 'hybrid'] as const;
export type ModePreference = (typeof MODE_PREFERENCES)[number];

/** Where a job really ran. */
export const CONVERSION_MODES = ['local', 'hosted'] as const;
export type ConversionMode = (typeof CONVERSION_MODES)[number];
