import { homedir } from 'node:os';
import { SettingsStore } from '../core/app/settingsStore.js';
import { dataDirectory } from '../core/dataDirectory.js';
import { AppError } from '../core/errors.js';
import { makeDirectories } from '../core/makeDirectories.js';
import { HostedClient } from '../core/hosted/hostedClient.js';
import { requestTimeoutMs, resolveApiUrl } from '../core/hosted/hostedPlan.js';
import { UsageError, type LoginArgs, type LogoutArgs, type RegisterArgs } from './args.js';
import { checkSanctumToken } from '../core/hosted/sanctumToken.js';
import { createTokenVault } from '../shell/hostedRouting.js';
import type { CliIo } from './io.js';
import { withoutToolWords } from '../core/errorWords.js';

function apiUrlOf(flag: string | undefined): URL {
  try {
    return resolveApiUrl(flag, process.env);
  } catch (error) {
    throw new UsageError((error as AppError).message);
  }
}

/** The first line of stdin, or a typed password with echo off when stdin is a terminal. */
async function readPassword(io: CliIo, prompt = 'Password: '): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) {
      text += String(chunk);
      if (text.includes('\n')) break;
    }
    stdin.pause();
    return text.split(/\r?\n/)[0] ?? '';
  }
  io.progress('');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  let password = '';
  // SIGTERM (or SIGINT from elsewhere) while the prompt waits: the terminal gets its echo back and nothing is sent.
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    stdin.destroy();
  };
  io.onInterrupt(interrupt);
  try {
    for await (const key of stdin) {
      const text = String(key);
      if (text === '\u0003') throw new AppError('CANCELLED', 'Cancelled.');
      if (text === '\r' || text === '\n') break;
      password = text === '\u007f' ? password.slice(0, -1) : password + text;
    }
  } catch (error) {
    if (!interrupted) throw error;
  } finally {
    io.offInterrupt(interrupt);
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
  if (interrupted) throw new AppError('CANCELLED', 'Cancelled.');
  return password;
}

/** `convertr register`: the token goes to the keychain, or to memory for this run when there is none. */
export async function registerCommand(args: RegisterArgs, io: CliIo): Promise<number> {
  const apiUrl = apiUrlOf(args.apiUrl);
  const password = await readPassword(io);
  if (password === '') throw new UsageError('register needs a password (one line on stdin, or typed at the prompt).');
  const client = new HostedClient({ apiUrl, label: args.label, timeoutMs: requestTimeoutMs(process.env) });
  const registration = await client.register({ name: args.name, email: args.email, password });
  const saved = await createTokenVault().save(apiUrl, registration.token.plain_text_token);
  io.stdout(`Registered with ${apiUrl.origin}: ${registration.message}`);
  const cohort = registration.user.anonymous_api_client_cohort;
  io.stdout(`Cohort: ${cohort ?? '(none)'} (quote it, with the pair such as HEIC -> JPG, when contacting support)`);
  // The window shows it too (Settings); it is not a secret.
  const home = dataDirectory(process.env, process.platform, homedir());
  makeDirectories(home);
  new SettingsStore(home).update({ serviceCohort: cohort ?? null });
  if (saved.location === 'keychain') {
    io.stdout('The token is stored in the OS keychain; hosted conversions now use it.');
  } else {
    io.stderr(`${withoutToolWords(saved.keychainProblem ?? 'No OS keychain is available.') ?? saved.keychainProblem} The token is kept in memory for this session only and is not written anywhere, so it is gone when this command ends; hosted conversions stay anonymous.`);
  }
  return 0;
}

/** `convertr login`: a token the user already has (stdin or a prompt, never argv) goes to the keychain. */
export async function loginCommand(args: LoginArgs, io: CliIo): Promise<number> {
  const apiUrl = apiUrlOf(args.apiUrl);
  const typed = await readPassword(io, 'API token: ');
  if (typed.trim() === '') throw new UsageError('login needs a token (one line on stdin, or pasted at the prompt).');
  const token = checkSanctumToken(typed);
  const saved = await createTokenVault().save(apiUrl, token);
  if (saved.location === 'keychain') {
    io.stdout(`Signed in to ${apiUrl.origin}: the token is stored in the OS keychain; hosted conversions now use it.`);
  } else {
    io.stderr(`${withoutToolWords(saved.keychainProblem ?? 'No OS keychain is available.') ?? saved.keychainProblem} The token is kept in memory for this session only and is not written anywhere, so it is gone when this command ends; hosted conversions stay anonymous.`);
  }
  return 0;
}

/** `convertr logout`: forgets the token; conversions become anonymous. */
export async function logoutCommand(args: LogoutArgs, io: CliIo): Promise<number> {
  const apiUrl = apiUrlOf(args.apiUrl);
  const removed = await createTokenVault().forget(apiUrl);
  io.stdout(removed ? `Logged out of ${apiUrl.origin}: the token was removed from the keychain.` : `No token for ${apiUrl.origin} was stored.`);
  return 0;
}

